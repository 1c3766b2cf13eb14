import type { Request } from 'express';
import type { AuthenticatedKey } from '@herald/workspaces';

/** A request after the access guard has run. */
export interface HeraldRequest extends Request {
  auth?: AuthenticatedKey;
}
