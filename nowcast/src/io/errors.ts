/** What is wrong with a composite file; lets a service answer with a precise 4xx. */
export type RadarFormatProblem =
  | "bad-gzip"
  | "bad-magic"
  | "bad-header"
  | "bad-dimensions"
  | "truncated"
  | "missing-metadata"
  | "bad-metadata";

/** Thrown by readers for input that is not a valid composite of their kind. */
export class RadarFormatError extends Error {
  override readonly name = "RadarFormatError";
  readonly problem: RadarFormatProblem;

  constructor(problem: RadarFormatProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.problem = problem;
  }
}
