import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from '@herald/channels';

/** A previous secret keeps signing this long after a rotation. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 60 * 60 * 1000;

/** A new signing secret: `whsec_` and 32 random bytes (base64url). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export { openSecret, sealSecret };

/** The secrets that sign a delivery now: the current one, then the previous one while it is still valid. */
export function signingSecrets(
  row: { secret_sealed: Buffer; previous_secret_sealed: Buffer | null; previous_secret_expires_at: Date | null },
  now: Date,
  key: Buffer,
): string[] {
  const secrets = [openSecret(row.secret_sealed, key)];
  if (row.previous_secret_sealed && row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > now.getTime()) {
    secrets.push(openSecret(row.previous_secret_sealed, key));
  }
  return secrets;
}
