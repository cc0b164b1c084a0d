import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

let cached: object | undefined;

/**
 * The Compose specification's JSON schema, as the `dclint` package ships it
 * (`schemas/compose.schema.json`, kept in step with compose-spec). The package's exports
 * don't list the file, so it is read beside the package's `package.json`.
 */
export function loadComposeSchema(): object {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('dclint/package.json'));
    cached = JSON.parse(
      readFileSync(path.join(dir, 'schemas/compose.schema.json'), 'utf8'),
    ) as object;
  }
  return cached;
}
