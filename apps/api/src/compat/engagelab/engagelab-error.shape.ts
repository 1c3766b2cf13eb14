import type { VendorErrorShape } from '../../http/vendor-error-shape.types';
import { toEngageLabFailure } from './engagelab-error.util';

/**
 * EngageLab's errors (`{code, message}` with its numbered codes and HTTP statuses) for everything under its prefix
 * (the global error filter's VENDOR_ERROR_SHAPES): the key's 401 (2001, 2002), a body that is not JSON (3001), a
 * route it does not have, and every refusal of its route.
 */
export const ENGAGELAB_ERROR_SHAPE: VendorErrorShape = {
  prefix: '/compat/engagelab/',
  render: (error) => toEngageLabFailure(error),
};
