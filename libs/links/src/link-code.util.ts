import { randomBytes } from 'node:crypto';

/** Random bytes per code: 9 bytes = 72 bits, exactly 12 base64url characters (no padding). */
const CODE_BYTES = 9;
export const LINK_CODE_LENGTH = 12;
const LINK_CODE = /^[A-Za-z0-9_-]{12}$/;

/**
 * `count` new link codes: 72 bits from the CSPRNG each, base64url (`A–Z a–z 0–9 - _`), 12 characters. With a
 * billion links stored, a new code matches one of them with probability 2^-42; the insert still checks (the
 * code is the primary key) and draws again for a collision.
 */
export function newLinkCodes(count: number): string[] {
  const bytes = randomBytes(CODE_BYTES * count);
  const codes = new Array<string>(count);
  for (let i = 0; i < count; i++) codes[i] = bytes.toString('base64url', i * CODE_BYTES, (i + 1) * CODE_BYTES);
  return codes;
}

/** Whether `text` has the shape of a link code (checked before any lookup: malformed codes never reach Postgres). */
export function isLinkCode(text: string): boolean {
  return LINK_CODE.test(text);
}

/** `<baseUrl>/l/<code>`: the URL a recipient sees. `baseUrl` is the API's public origin (a trailing `/` is dropped). */
export function linkUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/l/${code}`;
}
