import { AppError } from './app-error.js';

/** A 400 about one field of the body, in the same shape as schema validation failures. */
export const fieldError = (path: string, message: string): AppError =>
  new AppError('validation.failed', `${path}: ${message}`, { issues: [{ path, message }] });
