import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks Meta's `X-Hub-Signature-256` header: `sha256=` and the hex HMAC-SHA256 of the raw request bytes
 * with the app secret. Compare before parsing: re-serialised JSON would not match. False for a missing or
 * malformed header and for an empty secret; the comparison takes the same time wherever the bytes differ.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (header === undefined || appSecret === '') return false;
  const match = SIGNATURE.exec(header.trim());
  if (match === null) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The header value Meta would send for `rawBody`: for tests and the simulator. */
export function signatureFor(rawBody: Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
