import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConfig } from '@herald/config';
import { HeraldError } from '@herald/common';
import { enterKeyScope, WorkspacesService } from '@herald/workspaces';
import { ACCESS_KEY, type Access } from './access.decorator';
import type { HeraldRequest } from './request-context.types';
import { secretsEqual } from './secret-compare.util';

/** What a request presents: the key, and with a key pair (`Basic`) the key's public id too. */
export interface PresentedKey {
  readonly key: string;
  readonly publicId?: string;
}

/**
 * Reads the API key from `Authorization: Bearer <key>`, `x-api-key: <key>` (WhautoChat's header too) or
 * `x-tenant-api-key: <key>` (ChitChatLabs' header), and from the vendors' other schemes so their clients switch to
 * Herald by base URL alone: `Authorization: AccessKey <key>` (Bird), a bare `Authorization: <key>` (Chat Inc) and
 * `Authorization: Basic base64(<public id>:<key>)` (EngageLab's `dev_key:dev_secret`; both must be the same key's).
 */
export function presentedApiKey(request: HeraldRequest): PresentedKey | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^(?:Bearer|AccessKey)\s+(\S+)\s*$/i.exec(header) ?? /^\s*(hrld_\S+)\s*$/.exec(header);
    if (match) return { key: match[1]! };
    const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
    if (basic) {
      // RFC 7617: user-id and password split at the first colon. Only a pair counts; anything else is no key at all.
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0 && colon < decoded.length - 1) return { publicId: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
    }
  }
  for (const name of ['x-api-key', 'x-tenant-api-key']) {
    const apiKey = request.headers[name];
    if (typeof apiKey === 'string' && apiKey.trim() !== '') return { key: apiKey.trim() };
  }
  return undefined;
}

const HOW_TO_SEND = 'send "Authorization: Bearer <key>" (the word Bearer, a space, then the key) or "x-api-key: <key>"';

/**
 * Why a request presents no key it could be read from, in words that say how to send one: the usual slip is a key in
 * the Authorization header without "Bearer " before it (read only when it is a Herald key, hrld_…), under another
 * scheme, or in a header Herald does not read. The key itself is never echoed.
 */
export function missingKeyMessage(request: HeraldRequest): string {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.trim() !== '') {
    const scheme = /^\s*(\S+)\s+\S/.exec(header)?.[1];
    if (scheme && /^(bearer|basic|accesskey)$/i.test(scheme)) {
      return `The Authorization header's ${scheme} credentials could not be read as a Herald key: ${HOW_TO_SEND}.`;
    }
    // A scheme is a short word (Token, JWT, Key…); anything longer, or a Herald key, may be a secret and is not echoed.
    const echo = scheme !== undefined && /^[A-Za-z][A-Za-z-]{0,15}$/.test(scheme) && !/^hrld/i.test(scheme);
    const what = !scheme
      ? 'a value that is not a Herald API key (they start with hrld_)'
      : echo
        ? `a "${scheme}" scheme Herald does not read`
        : 'two or more words that are not "Bearer <key>"';
    return `The Authorization header holds ${what}: ${HOW_TO_SEND}.`;
  }
  const elsewhere = Object.entries(request.headers).find(([, value]) => typeof value === 'string' && /^\s*(Bearer\s+)?hrld_/i.test(value));
  if (elsewhere) return `An API key was sent in the "${elsewhere[0]}" header, which Herald does not read: ${HOW_TO_SEND}.`;
  return `This route needs an API key: ${HOW_TO_SEND}, or a key pair as "Authorization: Basic base64(<public id>:<key>)".`;
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
    // First, before any await: a fresh key scope for this request, which the services that accept sends read (a
    // key restricted to some channels is refused elsewhere, whichever surface the send came through).
    const scope = enterKeyScope();
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

    const presented = presentedApiKey(request);
    if (!presented) {
      throw new HeraldError('unauthorized', 'api_key_missing', missingKeyMessage(request));
    }
    const found = await this.workspaces.authenticate(presented.key, presented.publicId);
    if (found.state === 'revoked') throw new HeraldError('unauthorized', 'api_key_revoked', 'The API key has been revoked.');
    if (found.state === 'unknown') {
      throw new HeraldError(
        'unauthorized',
        'api_key_invalid',
        presented.publicId === undefined ? 'The API key is unknown.' : 'The key pair is unknown: the public id and the key must belong to the same key.',
      );
    }
    request.auth = found.key;
    scope.key = found.key;
    return true;
  }
}
