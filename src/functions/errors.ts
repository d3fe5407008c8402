/** A refused functions operation, with the HTTP status the API answers it with. */
export class FunctionsError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'FunctionsError';
  }
}
