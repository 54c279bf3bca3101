import type { ErrorRequestHandler, RequestHandler } from 'express';
import { MessageError } from '../messages/errors.js';

/** An error the client caused or should know about: a status, a stable code and, if any, the field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (error instanceof ApiError || error instanceof MessageError) {
    if (error instanceof ApiError) res.set(error.headers);
    res.status(error.status).json({ error: { code: error.code, message: error.message, field: error.field } });
    return;
  }
  // express.json() reports bad bodies with a status and a type of its own.
  const status = (error as { status?: number }).status;
  const type = (error as { type?: string }).type;
  if (status && status >= 400 && status < 500) {
    const code =
      type === 'entity.too.large' ? 'body_too_large' : type === 'entity.parse.failed' ? 'invalid_json' : 'bad_request';
    res.status(status).json({ error: { code, message: (error as Error).message } });
    return;
  }
  console.error('unhandled error:', error);
  res.status(500).json({ error: { code: 'internal', message: 'internal server error' } });
};
