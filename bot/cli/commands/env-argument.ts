/** The `<env> [number]` arguments of every command that takes an environment (`parseEnvTarget`). */
export const ENV_ARGUMENT = [
  '<env>',
  'production, staging or a pull request: pr-7, pr 7, #7 or 7',
] as const;
export const PR_NUMBER_ARGUMENT = ['[number]', 'pull request number (after pr)'] as const;
export const ENV_ARGUMENTS = [ENV_ARGUMENT, PR_NUMBER_ARGUMENT];
