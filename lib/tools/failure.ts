/**
 * A failure a tool explains to the person (a page that could not be read, a note limit): `message`
 * is shown as is and told to the model, so it must say what happened without internal detail.
 * Anything else a tool throws is logged and reported as "The tool could not finish."
 */
export class ToolFailure extends Error {
  override readonly name = "ToolFailure";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
