/** A problem that spans several keys, found after the schema accepted each one. */
export interface CrossFieldProblem {
  path: (string | number)[];
  message: string;
  /** The other key of the clash, whose line the message names. */
  other?: (string | number)[];
}
