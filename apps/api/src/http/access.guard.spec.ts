import { describe, expect, it } from '@jest/globals';
import { presentedApiKey } from './access.guard';
import type { HeraldRequest } from './request-context.types';

const KEY = 'hrld_' + 'a'.repeat(43);
const withHeaders = (headers: Record<string, string>): HeraldRequest => ({ headers }) as unknown as HeraldRequest;

describe('presentedApiKey', () => {
  it.each([
    ['Bearer (Herald, Meta Cloud API)', { authorization: `Bearer ${KEY}` }],
    ['AccessKey (Bird)', { authorization: `AccessKey ${KEY}` }],
    ['a bare key in Authorization (Chat Inc)', { authorization: KEY }],
    ['x-api-key (WhautoChat)', { 'x-api-key': KEY }],
    ['x-tenant-api-key (ChitChatLabs)', { 'x-tenant-api-key': KEY }],
  ])('reads the key from %s', (_name: string, headers: Record<string, string>) => {
    expect(presentedApiKey(withHeaders(headers))).toBe(KEY);
  });

  it('reads nothing from a bare Authorization value that is not a Herald key, or from no header', () => {
    expect(presentedApiKey(withHeaders({ authorization: 'some-token' }))).toBeUndefined();
    expect(presentedApiKey(withHeaders({ authorization: 'Token abc' }))).toBeUndefined();
    expect(presentedApiKey(withHeaders({}))).toBeUndefined();
  });
});
