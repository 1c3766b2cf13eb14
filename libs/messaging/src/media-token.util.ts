import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a media download URL works: long enough to follow it, short enough that a leaked one soon dies. */
export const MEDIA_TOKEN_TTL_MS = 5 * 60_000;

/**
 * The key media download tokens are signed with, derived from the secrets key (SECRETS_KEY) so that the key which
 * seals channel secrets is never used as is for anything else.
 */
export function mediaTokenKey(secretsKey: Buffer): Buffer {
  return createHmac('sha256', secretsKey).update('herald/inbound-media-download/v1').digest();
}

/** `<expiry in unix seconds>.<HMAC-SHA256 of the inbound message id and the expiry, base64url>`. */
export function signMediaToken(key: Buffer, inboundId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${exp}.${mac(key, inboundId, exp)}`;
}

/** Whether `token` was signed for this inbound message and is still valid at `now`. */
export function checkMediaToken(key: Buffer, inboundId: string, token: string, now: Date): 'valid' | 'expired' | 'invalid' {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return 'invalid';
  const exp = Number(match[1]);
  const given = Buffer.from(match[2]!);
  const expected = Buffer.from(mac(key, inboundId, exp));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return exp * 1000 <= now.getTime() ? 'expired' : 'valid';
}

function mac(key: Buffer, inboundId: string, exp: number): string {
  return createHmac('sha256', key).update(`${inboundId.toLowerCase()}:${exp}`).digest('base64url');
}
