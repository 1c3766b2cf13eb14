import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConfig } from '@herald/config';
import { HeraldError } from '@herald/common';
import { WorkspacesService } from '@herald/workspaces';
import { ACCESS_KEY, type Access } from './access.decorator';
import type { HeraldRequest } from './request-context.types';
import { secretsEqual } from './secret-compare.util';

/**
 * Reads the API key from `Authorization: Bearer <key>`, `x-api-key: <key>` (WhautoChat's header too) or
 * `x-tenant-api-key: <key>` (ChitChatLabs' header), and from the vendors' other schemes so their clients switch to
 * Herald by base URL alone: `Authorization: AccessKey <key>` (Bird) and a bare `Authorization: <key>` (Chat Inc).
 */
export function presentedApiKey(request: HeraldRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^(?:Bearer|AccessKey)\s+(\S+)\s*$/i.exec(header) ?? /^\s*(hrld_\S+)\s*$/.exec(header);
    if (match) return match[1];
  }
  for (const name of ['x-api-key', 'x-tenant-api-key']) {
    const apiKey = request.headers[name];
    if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  }
  return undefined;
}

/** Every route is workspace-scoped unless marked @Public() or @AdminOnly(). */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly workspaces: WorkspacesService,
    private readonly config: ApiConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'workspace';
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<HeraldRequest>();

    if (access === 'admin') {
      const token = request.headers['x-admin-token'];
      if (typeof token !== 'string' || token === '') {
        throw new HeraldError('unauthorized', 'admin_token_missing', 'This route needs the operator token in the x-admin-token header.');
      }
      if (!secretsEqual(token, this.config.adminToken)) {
        throw new HeraldError('unauthorized', 'admin_token_invalid', 'The x-admin-token header does not match the configured ADMIN_TOKEN.');
      }
      return true;
    }

    const key = presentedApiKey(request);
    if (!key) {
      throw new HeraldError(
        'unauthorized',
        'api_key_missing',
        'This route needs an API key: send "Authorization: Bearer <key>" or "x-api-key: <key>".',
      );
    }
    const auth = await this.workspaces.authenticate(key);
    if (!auth) throw new HeraldError('unauthorized', 'api_key_invalid', 'The API key is unknown or has been revoked.');
    request.auth = auth;
    return true;
  }
}
