/**
 * What went wrong, in terms any transport can map: the API turns `kind` into an HTTP status, a worker
 * into a retry decision. `code` is a stable snake_case identifier clients may key on; never rename one.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable';

export interface ErrorDetail {
  readonly field?: string;
  readonly issue: string;
  readonly [key: string]: unknown;
}

export class HeraldError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'HeraldError';
  }

  /** A 400 about one field: `<field> <issue>.` */
  static invalid(field: string, issue: string): HeraldError {
    return new HeraldError('invalid', 'validation_failed', `${field} ${issue}.`, [{ field, issue }]);
  }

  static notFound(what: string, id: string): HeraldError {
    return new HeraldError('not_found', `${what.replace(/\s+/g, '_')}_not_found`, `No ${what} with id "${id}" exists in this workspace.`);
  }
}
