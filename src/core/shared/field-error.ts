import { AppError } from './app-error.js';

/**
 * A 400 about one field, in the same shape as schema validation failures: the path starts with where the
 * field was sent (`body.unitId`, `params.trackingNo`), so clients can match every issue the same way.
 */
export const fieldError = (path: string, message: string, location: 'body' | 'params' | 'querystring' = 'body'): AppError =>
  new AppError('validation.failed', `${location}.${path}: ${message}`, { issues: [{ path: `${location}.${path}`, message }] });
