/** A problem with the configuration or the env context found while rendering. */
export interface RenderProblem {
  /** Dotted key path in prenv.yml such as `services.web.env.API_URL`, or an option such as `--sha`. */
  path: string;
  message: string;
  /**
   * The command-line option that supplies what is missing (`--sha`), when the input rather than
   * prenv.yml is what to change; the CLI then answers as to a wrong argument.
   */
  option?: string;
}

/** The configuration cannot be rendered for this environment; every problem at once. */
export class RenderError extends Error {
  constructor(readonly problems: RenderProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    this.name = 'RenderError';
  }
}
