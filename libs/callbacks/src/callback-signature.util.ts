import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every delivery carries: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…]`. */
export const SIGNATURE_HEADER = 'Herald-Signature';

/** hex HMAC-SHA256 of `<t>.<body>` under one secret. */
export function signatureOf(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The Herald-Signature value for a body: one `v1=` per secret (the current one first, then the previous one while it
 * is still valid after a rotation), so a receiver holding either secret verifies it.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string | Buffer): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signatureOf(s, timestamp, body)}`)].join(',');
}

/**
 * Checks a delivery as a receiver would: the header parses, its time is within `toleranceSeconds` of now (a replay
 * of an old delivery fails), and one `v1` matches the HMAC under one of `secrets`. Compares in constant time.
 */
export function verifyCallbackSignature(
  rawBody: string | Buffer,
  header: string | undefined | null,
  secrets: string | readonly string[],
  toleranceSeconds = 300,
  now: Date = new Date(),
): boolean {
  if (typeof header !== 'string') return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds) return false;
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = Buffer.from(signatureOf(secret, timestamp, rawBody), 'hex');
    if (signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected))) return true;
  }
  return false;
}
