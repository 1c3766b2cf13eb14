import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signatureFor, verifySignature } from './webhook-signature.util';

const SECRET = 'c0ffee-app-secret';
const BODY = Buffer.from('{"object":"whatsapp_business_account","entry":[]}', 'utf8');
const VALID = `sha256=${createHmac('sha256', SECRET).update(BODY).digest('hex')}`;

describe(verifySignature.name, () => {
  it('accepts the HMAC-SHA256 of the raw body with the app secret', () => {
    expect(verifySignature(BODY, VALID, SECRET)).toBe(true);
    expect(signatureFor(BODY, SECRET)).toBe(VALID);
  });

  it('accepts upper-case hex and surrounding whitespace', () => {
    expect(verifySignature(BODY, ` sha256=${VALID.slice(7).toUpperCase()} `, SECRET)).toBe(true);
  });

  it('rejects a body changed by one byte, even if it means the same JSON', () => {
    expect(verifySignature(Buffer.from('{"object":"whatsapp_business_account","entry":[] }'), VALID, SECRET)).toBe(false);
  });

  it('rejects another secret', () => {
    expect(verifySignature(BODY, VALID, 'another-secret')).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without the sha256= prefix', VALID.slice(7)],
    ['with another algorithm', `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}`],
    ['too short', VALID.slice(0, -2)],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('rejects a header that is %s', (_case, header) => {
    expect(verifySignature(BODY, header, SECRET)).toBe(false);
  });

  it('rejects everything when no app secret is configured', () => {
    expect(verifySignature(BODY, signatureFor(BODY, ''), '')).toBe(false);
  });
});
