import { describe, expect, it } from '@jest/globals';
import { presentedApiKey } from './access.guard';
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
