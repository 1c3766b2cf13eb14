import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: malformed JSON or invalid fields (each listed in details).',
  401: 'Missing, unknown or revoked credentials.',
  404: 'Not found in this workspace.',
  409: 'Conflicts with the current state.',
  413: 'Request body over the configured limit.',
  415: 'Request body of a media type this route does not take.',
  503: 'A backing service is down.',
};

/** Documents the error responses a route can give, all in the one error shape. */
export const ApiErrors = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto })));
