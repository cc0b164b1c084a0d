import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyWorld, newEnv } from '../../bot/core/model.js';
import { openSqliteStore } from '../../bot/adapters/store/sqlite-store.js';
import { repoRoot } from '../support/tools.js';
import { runCli } from './run-cli.js';

const EXAMPLE = path.join(repoRoot, 'examples/aipacto/prenv.yml');

/** A folder holding prenv.yml, committed to git unless `git` is false. */
function infraRepo(options: { git?: boolean } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'prenv-deploy-args-'));
  writeFileSync(path.join(dir, 'prenv.yml'), readFileSync(EXAMPLE));
  mkdirSync(path.join(dir, 'nomad'));
  writeFileSync(path.join(dir, 'nomad', 'README.md'), 'templates\n');
  if (options.git === false) return dir;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: dir,
      stdio: 'pipe',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'infrastructure');
  return dir;
}

const envOf = (cwd: string) => ({
  PATH: process.env.PATH,
  PRENV_STATE: path.join(cwd, 'state.db'),
  PRENV_TERRAFORM_BIN: path.join(cwd, 'no-such-terraform'),
  // Nothing listens there: a command that goes ahead fails at its first step.
  PRENV_CADDY_ADMIN: 'http://127.0.0.1:9',
});

describe('prenv deploy / destroy: arguments and refusals', () => {
  it.each([
    [
      ['deploy', 'qa'],
      'unknown environment "qa": use production, staging or a pull request number as pr-7, pr 7, #7 or 7, e.g. `prenv deploy pr-7`',
    ],
    [
      ['destroy', 'qa'],
      'unknown environment "qa": use production, staging or a pull request number as pr-7, pr 7, #7 or 7, e.g. `prenv destroy pr-7`',
    ],
    [['deploy', 'pr'], '`prenv deploy pr` needs the pull request number, e.g. `prenv deploy pr 7`'],
    [
      ['destroy', 'staging', '7'],
      'staging takes no number, got "7" (did you mean `prenv destroy pr 7`?)',
    ],
    [['status', 'production', 'extra'], 'production takes no number, got "extra"'],
    [['destroy', 'staging', '07'], 'staging takes no number, got "07"'],
  ])('%j is a usage error (2)', async (args, message) => {
    const run = await runCli(['--config', EXAMPLE, ...args]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `prenv: ${message}\n` });
  });

  it.each([
    ['0', '"0" is not a positive integer (numbers start at 1)'],
    ['-1', '"-1" is negative (numbers start at 1)'],
    ['007', '"007" has a leading zero (write 7)'],
    ['1e3', '"1e3" is not a positive integer in plain digits'],
    ['7.0', '"7.0" is not a positive integer in plain digits'],
    ['99999999999999999', '"99999999999999999" is too large (at most 9 digits, 999999999)'],
  ])('`pr %s` is a usage error that says what is wrong with it', async (number, why) => {
    for (const command of ['deploy', 'destroy', 'render'] as const) {
      const run = await runCli(['--config', EXAMPLE, command, 'pr', number]);
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `prenv: \`prenv ${command} pr\` needs the pull request number, e.g. \`prenv ${command} pr 7\`; ${why}\n`,
      });
    }
  });

  it('needs --sha for a PR without GitHub credentials', async () => {
    const run = await runCli(['--config', EXAMPLE, 'deploy', 'pr', '7']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('`prenv deploy pr 7` needs --sha: without GitHub credentials');
  });

  it('needs --sha for production when images use {{sha}}, and a well-formed one', async () => {
    const missing = await runCli(['--config', EXAMPLE, 'deploy', 'production', '--yes']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the images in prenv.yml use {{sha}}');
    const bad = await runCli(['--config', EXAMPLE, 'deploy', 'staging', '--sha', 'a b']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^prenv: --sha: "a b" is not a commit SHA or image tag/);
  });

  it('refuses production from uncommitted templates, listing the files (4)', async () => {
    const cwd = infraRepo();
    appendFileSync(path.join(cwd, 'prenv.yml'), '# edited\n');
    writeFileSync(path.join(cwd, 'nomad', 'extra.hcl.hbs'), 'job {}\n');
    const run = await runCli(['deploy', 'production', '--sha', 'abc1234', '--yes'], {
      cwd,
      env: envOf(cwd),
    });
    expect(run).toEqual({
      code: 4,
      stdout: '',
      stderr:
        'prenv: refusing to deploy production: these files have uncommitted changes:\n' +
        '   M prenv.yml\n' +
        '  ?? nomad/extra.hcl.hbs\n' +
        'Commit them (so the change is reviewed), or pass --allow-dirty to deploy anyway.\n',
    });
  });

  it('refuses production outside a git checkout unless --allow-dirty', async () => {
    const cwd = infraRepo({ git: false });
    const run = await runCli(['deploy', 'production', '--sha', 'abc1234', '--yes'], {
      cwd,
      env: envOf(cwd),
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('cannot tell whether its templates are committed');
    const allowed = await runCli(['deploy', 'production', '--sha', 'abc1234', '--allow-dirty'], {
      cwd,
      env: envOf(cwd),
    });
    expect(allowed.code).toBe(4);
    expect(allowed.stderr).toContain('needs confirmation, and this is not a terminal: pass --yes');
  });

  it.each([
    [['deploy', 'production', '--sha', 'abc1234']],
    [['destroy', 'production']],
    [['destroy', 'staging']],
  ])('%j off a terminal without --yes is refused (4)', async (args) => {
    const cwd = infraRepo();
    const run = await runCli(args, { cwd, env: envOf(cwd) });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/needs confirmation, and this is not a terminal: pass --yes/);
  });

  it('refuses when the confirmation on a terminal is not the project name (4)', async () => {
    const cwd = infraRepo();
    const questions: string[] = [];
    const run = await runCli(['deploy', 'production', '--sha', 'abc1234'], {
      cwd,
      env: envOf(cwd),
      isTTY: true,
      prompt: async (q) => {
        questions.push(q);
        return 'aipacta\n';
      },
    });
    expect(questions).toEqual([
      'Deploying abc1234 to production (aipacto). Type the project name (aipacto) to go ahead: ',
    ]);
    expect(run).toEqual({
      code: 4,
      stdout: '',
      stderr: 'prenv: not confirmed: you typed "aipacta", not "aipacto". Nothing was changed.\n',
    });
  });

  it('goes ahead once the project name is typed, and reports a failed step (1)', async () => {
    const cwd = infraRepo();
    const run = await runCli(['destroy', 'staging'], {
      cwd,
      env: envOf(cwd),
      isTTY: true,
      prompt: async () => 'aipacto',
    });
    expect(run.code).toBe(1);
    const [step, error] = run.stderr.split('\n');
    expect(step).toMatch(/^✖ removing the Caddy route \(\d+\.\ds\)$/);
    expect(error).toMatch(/^prenv: destroy of staging failed: .*127\.0\.0\.1:9/);
  });

  it('names a run in flight that it did not start instead of waiting for it (1)', async () => {
    const cwd = infraRepo();
    const store = openSqliteStore(path.join(cwd, 'state.db'));
    const world = emptyWorld();
    const pull = { number: 5, headSha: 'abc1234', headRef: 'f', baseRef: 'main' };
    const env = newEnv(
      { ...pull, title: '', author: '', draft: false, fork: false, state: 'open', merged: false },
      0,
    );
    env.phase = 'provisioning';
    env.desiredSha = 'abc1234';
    env.run = { id: 'pr-5/provision/1', kind: 'provision', sha: null, startedAt: 0 };
    world.envs[5] = env;
    expect(await store.saveWorld(world, 0)).toBe(true);
    await store.close();
    // Its Nomad and Caddy are closed ports: past the preflight, the run in flight is the answer.
    const run = await runCli(['deploy', 'pr', '5', '--sha', 'abc1234', '--skip-preflight'], {
      cwd,
      env: envOf(cwd),
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 4,
      stderr:
        'prenv: not running deploy of pr-5: its provision run pr-5/provision/1 is held by the bot ' +
        '(prenv serve, which resumes it when it starts); wait for it to end (`prenv status pr-5`). ' +
        'If no bot runs (workflow-only mode, or a run an older prenv left), ' +
        '`prenv deploy pr 5 --take-over` takes it over\n',
    });
    // With --take-over the run without an owner is recorded as abandoned, and the deploy goes on
    // (to its closed Nomad here: the refusal above is gone, the run itself fails).
    const taken = await runCli(
      ['deploy', 'pr', '5', '--sha', 'abc1234', '--skip-preflight', '--take-over'],
      { cwd, env: envOf(cwd) },
    );
    expect(taken.stderr).toContain(
      "taking over pr-5's provision run: it has no prenv command as owner and --take-over was given",
    );
    expect(taken.stderr).not.toContain('not running deploy of pr-5');
  });
});
