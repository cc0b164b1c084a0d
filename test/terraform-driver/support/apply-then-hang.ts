/*
 * Stands in for the bot: starts `terraform apply` through the driver and stays alive, so a
 * test can kill it hard (SIGKILL) while Terraform runs.
 *
 *   node --import tsx apply-then-hang.ts <terraform bin> <fake state dir> <module dir> <tmp dir> <pr>
 *
 * The fake's PRENV_FAKE_TF_DELAY_MS comes from this process's environment.
 */
import { createTerraformRunner } from '../../../bot/adapters/terraform/index.js';

const [bin, stateDir, moduleDir, tmpDir, pr] = process.argv.slice(2);
if (!bin || !stateDir || !moduleDir || !tmpDir || !pr) {
  throw new Error('usage: apply-then-hang.ts <bin> <state dir> <module dir> <tmp dir> <pr>');
}

const runner = createTerraformRunner({
  bin,
  env: {
    PATH: process.env.PATH,
    PRENV_FAKE_TF_STATE_DIR: stateDir,
    PRENV_FAKE_TF_DELAY_MS: process.env.PRENV_FAKE_TF_DELAY_MS,
  },
  tmpDir,
});
await runner.apply({ environment: 'pr', pr: Number(pr), dir: moduleDir }, {});
process.stdout.write('apply finished\n');
// Stay alive like the bot would, so the test decides when this process dies.
setInterval(() => {}, 60_000);
