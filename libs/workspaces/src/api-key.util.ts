import { createHash, randomBytes } from 'node:crypto';

/** Keys look like `hrld_<43 base64url chars>`: 256 random bits, recognisable in logs and secret scanners. */
const KEY_PREFIX = 'hrld_';
export const DISPLAY_PREFIX_LENGTH = 12;

/** A key's public id: `hrldpk_` and 24 base64url characters (backfilled ids have 32 hex digits). Not a secret. */
const PUBLIC_ID_PREFIX = 'hrldpk_';

export interface NewApiKey {
  readonly plaintext: string;
  readonly prefix: string;
  readonly hash: string;
  readonly publicId: string;
}

export function generateApiKey(): NewApiKey {
  const plaintext = KEY_PREFIX + randomBytes(32).toString('base64url');
  const publicId = PUBLIC_ID_PREFIX + randomBytes(18).toString('base64url');
  return { plaintext, prefix: plaintext.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(plaintext), publicId };
}

/** A cheap shape check of a presented public id before any lookup. */
export function looksLikePublicKeyId(candidate: string): boolean {
  return /^hrldpk_[A-Za-z0-9_-]{20,32}$/.test(candidate);
}

export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/** A cheap shape check before any database lookup; anything else is certainly not a key of ours. */
export function looksLikeApiKey(candidate: string): boolean {
  return /^hrld_[A-Za-z0-9_-]{43}$/.test(candidate);
}
