import { SetMetadata } from '@nestjs/common';

export const CONTENT_TYPES_KEY = 'herald:content-types';

/** Media types a route accepts for its request body; routes without it accept application/json only. */
export const Accepts = (...mediaTypes: string[]): MethodDecorator & ClassDecorator => SetMetadata(CONTENT_TYPES_KEY, mediaTypes);
