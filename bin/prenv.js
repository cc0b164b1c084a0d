#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` writes dist/; the install step and `npm pack` run it).
let main;
try {
  ({ main } = await import('../dist/bot/cli/main.js'));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/bot/cli/main.js'))
    throw err;
  process.stderr.write(
    'prenv: not built yet: run `npm run build` (tsc to dist/) in the prenv folder\n',
  );
  process.exit(1);
}
process.exitCode = await main(process.argv);
