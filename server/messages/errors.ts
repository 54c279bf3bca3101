/**
 * Why a message was refused: an HTTP status, a stable code naming the check or rule, and the field
 * at fault when there is one. Every check of the ingest path throws one of these.
 */
export class MessageError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'MessageError';
  }
}
