/** A field of the draft that the importer could not determine or had to guess, with the source line it came from. */
export interface ReviewItem {
  line: number;
  /** Path in the draft plan, e.g. `tasks[3].lead`, `issuedOn`. */
  field: string;
  /** Vietnamese-free, plain statement of what to check. */
  message: string;
}

/** The input is not a plan text at all (empty, binary, no tasks): the CLI exits with code 2. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
