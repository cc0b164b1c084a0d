/**
 * Every variable a message tells the operator to set is one prenv reads, and is documented.
 * A hint naming NOMAD_ADDR where prenv reads PRENV_NOMAD_ADDR sends the operator the wrong way.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { envFor } from '../../bot/cli/deploy/runtime.js';
import { repoRoot } from '../support/tools.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

const VARIABLE = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g;

/**
 * Names read as `env.NAME` or through a settings helper called as `f(env, 'NAME', …)`, and the
 * variables named in prose string literals (with a space).
 */
function scan(files: string[]): { read: Set<string>; named: { file: string; name: string }[] } {
  const read = new Set<string>();
  const named: { file: string; name: string }[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && /(^|\.)env$/.test(node.expression.getText()))
        read.add(node.name.text);
      if (ts.isCallExpression(node)) {
        const [first, second] = node.arguments;
        if (first && second && /(^|\.)env$/.test(first.getText()) && ts.isStringLiteral(second))
          read.add(second.text);
      }
      if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
        const literal = node.text;
        if (/\s/.test(literal))
          for (const m of literal.matchAll(VARIABLE))
            named.push({ file: path.relative(repoRoot, file), name: m[0] });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { read, named };
}

/** Shell run inside a task (its variables are the task's own), not messages to the operator. */
const TASK_SCRIPTS = [path.join(repoRoot, 'generators/backup/scripts.ts')];

const files = [
  ...sources(path.join(repoRoot, 'bot')),
  ...sources(path.join(repoRoot, 'generators')),
].filter((f) => !TASK_SCRIPTS.includes(f));
const { read, named } = scan(files);
/** Variables prenv passes to Terraform by name (bot/wiring/settings.ts PASS_TO_TERRAFORM). */
const PASSED_THROUGH = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
/** PRENV_<TOOL>_BIN, read by a computed name in tool-probe.ts. */
const TOOL_BINS = ['PRENV_TERRAFORM_BIN', 'PRENV_NOMAD_BIN', 'PRENV_CONSUL_BIN', 'PRENV_CADDY_BIN'];

function readsVariable(name: string): boolean {
  if (read.has(name) || PASSED_THROUGH.includes(name) || TOOL_BINS.includes(name)) return true;
  // PRENV_STAGING_X is read when envFor('staging') maps it onto a variable prenv reads.
  const staged = /^PRENV_STAGING_(.+)$/.exec(name);
  if (!staged) return false;
  const mapped = envFor({ [name]: 'x' }, 'staging');
  return mapped[`PRENV_${staged[1]}`] === 'x' && read.has(`PRENV_${staged[1]}`);
}

describe('operator hints', () => {
  it('finds the hints it checks (the scan is not empty)', () => {
    expect(read).toContain('PRENV_NOMAD_ADDR');
    expect(named.map((n) => n.name)).toContain('PRENV_NOMAD_ADDR');
    expect(named.length).toBeGreaterThan(20);
  });

  it('name only variables prenv reads', () => {
    const wrong = named.filter((n) => !readsVariable(n.name));
    expect(wrong).toEqual([]);
  });

  it('name only variables the README documents', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const table = readme.slice(
      readme.indexOf('## Environment variables'),
      readme.indexOf('## Testing'),
    );
    const documented = (name: string) =>
      table.includes(name) ||
      (name.startsWith('PRENV_STAGING_') && table.includes('`PRENV_STAGING_…`'));
    const undocumented = [...new Set(named.map((n) => n.name))].filter((n) => !documented(n));
    expect(undocumented).toEqual([]);
  });

  it.each(['NOMAD_ADDR', 'NOMAD_TOKEN', 'CONSUL_HTTP_ADDR', 'CONSUL_HTTP_TOKEN', 'CADDY_ADMIN'])(
    "never tell the operator to set %s (the tools' own variable, which prenv does not read)",
    (name) => {
      expect(named.filter((n) => n.name === name)).toEqual([]);
    },
  );
});
