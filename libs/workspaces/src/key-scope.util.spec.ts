import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { assertKeyMaySendFrom, enterKeyScope, keyMaySendFrom } from './key-scope.util';

const CH_A = '11111111-1111-4111-8111-111111111111';
const CH_B = '22222222-2222-4222-8222-222222222222';

/** Like Nest: a guard awaited by the router, then the handler, then a service several awaits deep. */
async function request(allowed: readonly string[] | null, channelId: string): Promise<string> {
  const guard = async () => {
    const scope = enterKeyScope();
    await new Promise((r) => setTimeout(r, 1));
    scope.key = { keyId: 'k', allowedChannelIds: allowed };
    return true;
  };
  const service = async () => {
    await Promise.resolve();
    assertKeyMaySendFrom({ id: channelId, name: 'Support', displayPhoneNumber: '+1 555 010 0123' });
    return 'accepted';
  };
  await guard();
  return service();
}

describe('keyMaySendFrom', () => {
  it('lets an unrestricted key send anywhere and a restricted one only from its channels', () => {
    expect(keyMaySendFrom(null, CH_A)).toBe(true);
    expect(keyMaySendFrom([CH_A], CH_A)).toBe(true);
    expect(keyMaySendFrom([CH_A], CH_B)).toBe(false);
    expect(keyMaySendFrom([], CH_A)).toBe(false);
  });
});

describe('assertKeyMaySendFrom', () => {
  it("sees the key the guard set in the request's later continuations, and refuses a channel it may not use", async () => {
    await expect(request([CH_A], CH_A)).resolves.toBe('accepted');
    const refused = await request([CH_A], CH_B).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HeraldError);
    expect(refused).toMatchObject({ kind: 'forbidden', code: 'key_not_allowed' });
    expect((refused as Error).message).toContain(CH_B);
    expect((refused as Error).message).toContain('+1 555 010 0123');
    await expect(request(null, CH_B)).resolves.toBe('accepted');
  });

  it('keeps concurrent requests apart', async () => {
    const results = await Promise.allSettled([request([CH_A], CH_B), request(null, CH_B), request([CH_B], CH_B), request([CH_B], CH_A)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'rejected']);
  });
});
