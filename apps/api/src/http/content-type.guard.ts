import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HeraldError } from '@herald/common';
import type { Request } from 'express';
import { CONTENT_TYPES_KEY } from './content-type.decorator';

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return request.headers['transfer-encoding'] !== undefined;
}

/** The bare media type of a Content-Type header: `application/json; charset=utf-8` → `application/json`. */
function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function matches(actual: string, accepted: string): boolean {
  if (accepted === 'application/json') return actual === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(actual);
  return actual === accepted;
}

/** Answers 415 when a request carries a body of a type the route does not take. */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!hasBody(request)) return true;
    const accepted = this.reflector.getAllAndOverride<string[] | undefined>(CONTENT_TYPES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) ?? ['application/json'];
    const actual = mediaType(request.headers['content-type']);
    if (accepted.some((type) => matches(actual, type))) return true;
    throw new HeraldError(
      'unsupported_media_type',
      'unsupported_media_type',
      `This route accepts ${accepted.join(' or ')} bodies, not ${actual === '' ? 'a body without Content-Type' : actual}.`,
    );
  }
}
