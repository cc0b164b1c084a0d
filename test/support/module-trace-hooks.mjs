// Loader hooks for module-trace.mjs; they run in Node's hooks thread.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.PRENV_TRACE_FILE, `${result.url}\n`);
  return result;
}
