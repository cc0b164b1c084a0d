export { createTerraformRunner } from './runner.js';
export type { TerraformRunnerOptions } from './runner.js';
export { TerraformError, isTerraformError } from './failure.js';
export type { TerraformFailure, TerraformFailureKind } from './failure.js';
export { stateKey, dataDir, targetName } from './state-key.js';
export type * from './types.js';
export { removeStaleRunDirs, runDirRoot, type LeftRun } from './run-dirs.js';
