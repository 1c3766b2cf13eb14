import { createParamDecorator, ExecutionContext, InternalServerErrorException } from '@nestjs/common';
import type { HeraldRequest } from './request-context.types';

/** The workspace the caller's API key belongs to. Every query a handler makes is scoped to it. */
export const WorkspaceId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<HeraldRequest>();
  if (!request.auth) throw new InternalServerErrorException('WorkspaceId used on a route without workspace access');
  return request.auth.workspaceId;
});
