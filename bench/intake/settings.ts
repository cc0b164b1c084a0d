/** What every part of `npm run bench:intake` shares: the run's size and the delivery's shape. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const REPS = Number(process.env.BENCH_REPS ?? 3);
export const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3_000);
export const CONNECTIONS = [1, 10, 50];
export const BODY_BYTES = 23 * 1024;
export const SECRET = 'intake-bench-webhook-secret';
export const REPOSITORY = 'aipacto/aipacto';
export const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? '6b79a5b';
export const EXAMPLE_CONFIG = path.join(root, 'examples/aipacto/prenv.yml');
