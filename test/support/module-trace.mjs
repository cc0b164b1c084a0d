// `node --import ./module-trace.mjs …` records every module URL the program resolves into
// the file named by PRENV_TRACE_FILE (one per line): the tests read what a command loads.
import { register } from 'node:module';

register('./module-trace-hooks.mjs', import.meta.url);
