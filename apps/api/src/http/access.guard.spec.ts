import { describe, expect, it } from '@jest/globals';
import { missingKeyMessage, presentedApiKey } from './access.guard';
import type { HeraldRequest } from './request-context.types';

const KEY = 'hrld_' + 'a'.repeat(43);
const PUBLIC_ID = 'hrldpk_' + 'b'.repeat(24);
const withHeaders = (headers: Record<string, string>): HeraldRequest => ({ headers }) as unknown as HeraldRequest;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('presentedApiKey', () => {
  it.each([
    ['Bearer (Herald, Meta Cloud API)', { authorization: `Bearer ${KEY}` }],
    ['AccessKey (Bird)', { authorization: `AccessKey ${KEY}` }],
    ['a bare key in Authorization (Chat Inc)', { authorization: KEY }],
    ['x-api-key (WhautoChat)', { 'x-api-key': KEY }],
    ['x-tenant-api-key (ChitChatLabs)', { 'x-tenant-api-key': KEY }],
  ])('reads the key from %s', (_name: string, headers: Record<string, string>) => {
    expect(presentedApiKey(withHeaders(headers))).toEqual({ key: KEY });
  });

  it("reads a key pair from Basic base64(<public id>:<key>) (EngageLab's dev_key:dev_secret), any case of the scheme", () => {
    expect(presentedApiKey(withHeaders({ authorization: basic(PUBLIC_ID, KEY) }))).toEqual({ publicId: PUBLIC_ID, key: KEY });
    expect(presentedApiKey(withHeaders({ authorization: basic(PUBLIC_ID, KEY).replace('Basic', 'basic') }))).toEqual({ publicId: PUBLIC_ID, key: KEY });
  });

  it('reads only a pair from Basic: no colon, or an empty half, is no key at all', () => {
    expect(presentedApiKey(withHeaders({ authorization: `Basic ${Buffer.from(KEY).toString('base64')}` }))).toBeUndefined();
    expect(presentedApiKey(withHeaders({ authorization: basic('', KEY) }))).toBeUndefined();
    expect(presentedApiKey(withHeaders({ authorization: basic(PUBLIC_ID, '') }))).toBeUndefined();
  });

  it('reads nothing from a bare Authorization value that is not a Herald key, or from no header', () => {
    expect(presentedApiKey(withHeaders({ authorization: 'some-token' }))).toBeUndefined();
    expect(presentedApiKey(withHeaders({ authorization: 'Token abc' }))).toBeUndefined();
    expect(presentedApiKey(withHeaders({}))).toBeUndefined();
  });
});

describe('missingKeyMessage', () => {
  const HOW = 'send "Authorization: Bearer <key>" (the word Bearer, a space, then the key) or "x-api-key: <key>"';

  it('tells a key under a scheme Herald does not read how to send it, without echoing the key', () => {
    const message = missingKeyMessage(withHeaders({ authorization: `Token ${KEY}` }));
    expect(message).toBe(`The Authorization header holds a "Token" scheme Herald does not read: ${HOW}.`);
    expect(message).not.toContain(KEY);
  });

  it('echoes no first word that may be a secret: a key pasted twice, a long token before a space', () => {
    for (const authorization of [`${KEY} ${KEY}`, 'sk_live_0123456789abcdefghij x', 'hrld x']) {
      const message = missingKeyMessage(withHeaders({ authorization }));
      expect(message).toBe(`The Authorization header holds two or more words that are not "Bearer <key>": ${HOW}.`);
      expect(message).not.toContain(authorization.split(' ')[0]!.slice(0, 6));
    }
  });

  it('tells a bare value that is not a Herald key that keys start with hrld_', () => {
    expect(missingKeyMessage(withHeaders({ authorization: 'my-secret' }))).toBe(
      `The Authorization header holds a value that is not a Herald API key (they start with hrld_): ${HOW}.`,
    );
  });

  it('names the header a key was sent in when Herald does not read that header', () => {
    expect(missingKeyMessage(withHeaders({ 'api-key': KEY }))).toBe(`An API key was sent in the "api-key" header, which Herald does not read: ${HOW}.`);
  });

  it('says how to send a key when there is none at all', () => {
    expect(missingKeyMessage(withHeaders({}))).toMatch(/^This route needs an API key: send "Authorization: Bearer <key>"/);
  });
});
