/** A problem with the configuration or the env context found while rendering. */
export interface RenderProblem {
  /** Dotted key path in prenv.yml such as `services.web.env.API_URL`, or an option such as `--sha`. */
  path: string;
  message: string;
}

/** The configuration cannot be rendered for this environment; every problem at once. */
export class RenderError extends Error {
  constructor(readonly problems: RenderProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    this.name = 'RenderError';
  }
}
