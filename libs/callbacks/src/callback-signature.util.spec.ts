import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { signatureHeader, verifyCallbackSignature } from './callback-signature.util';

const BODY = '{"id":"e1","type":"ping","createdAt":"2026-12-03T10:00:00.000Z","workspaceId":"w","data":{}}';
const T = 1_796_292_000;
const AT = new Date(T * 1000);

describe('signatureHeader', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>"> per secret, current first', () => {
    const header = signatureHeader(['new', 'old'], T, BODY);
    const mac = (k: string) => createHmac('sha256', k).update(`${T}.${BODY}`).digest('hex');
    expect(header).toBe(`t=${T},v1=${mac('new')},v1=${mac('old')}`);
  });
});

describe('verifyCallbackSignature', () => {
  const header = signatureHeader(['new', 'old'], T, BODY);

  it('accepts the body under either secret of a rotation', () => {
    expect(verifyCallbackSignature(BODY, header, 'new', 300, AT)).toBe(true);
    expect(verifyCallbackSignature(Buffer.from(BODY), header, ['old'], 300, AT)).toBe(true);
  });

  it('refuses another secret, a changed body, a missing or mangled header', () => {
    expect(verifyCallbackSignature(BODY, header, 'other', 300, AT)).toBe(false);
    expect(verifyCallbackSignature(BODY.replace('ping', 'pong'), header, 'new', 300, AT)).toBe(false);
    expect(verifyCallbackSignature(BODY, undefined, 'new', 300, AT)).toBe(false);
    expect(verifyCallbackSignature(BODY, `t=${T}`, 'new', 300, AT)).toBe(false);
    expect(verifyCallbackSignature(BODY, header.replace(`t=${T}`, `t=${T + 1}`), 'new', 300, new Date((T + 1) * 1000))).toBe(
      false,
    );
  });

  it('refuses a replay older than the tolerance (5 minutes by default)', () => {
    expect(verifyCallbackSignature(BODY, header, 'new', 300, new Date((T + 300) * 1000))).toBe(true);
    expect(verifyCallbackSignature(BODY, header, 'new', 300, new Date((T + 301) * 1000))).toBe(false);
    expect(verifyCallbackSignature(BODY, header, 'new', undefined, new Date((T - 301) * 1000))).toBe(false);
  });
});
