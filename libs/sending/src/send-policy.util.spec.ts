import { describe, expect, it } from '@jest/globals';
import type { ProviderError } from '@herald/channels';
import { backoffMs, decide, effectsOf, MAX_BACKOFF_MS, THROTTLE_PAUSE_MS, validitySecondsOf } from './send-policy.util';

const error = (over: Partial<ProviderError>): ProviderError => ({ code: 'x', title: 't', details: '', retriable: true, category: 'transient', ...over });

describe('decide: what becomes of a send that did not go through', () => {
  it('leaves a request without an answer in doubt, unless it certainly never reached the provider', () => {
    expect(decide(error({ code: 'timeout', details: 'Headers Timeout Error' }), 1, 5)).toEqual({ kind: 'in_doubt' });
    expect(decide(error({ code: 'network_error', details: 'ECONNRESET: socket hang up' }), 1, 5)).toEqual({ kind: 'in_doubt' });
    expect(decide(error({ code: 'network_error', details: 'ECONNREFUSED: connect failed' }), 1, 5)).toMatchObject({ kind: 'retry' });
  });

  it('fails what cannot succeed, and a retriable failure once its tries are spent', () => {
    expect(decide(error({ retriable: false, category: 'invalid_request' }), 1, 5)).toEqual({ kind: 'failed' });
    expect(decide(error({ code: 'http_503' }), 5, 5)).toEqual({ kind: 'failed' });
    expect(decide(error({ code: 'http_503' }), 1, 5)).toEqual({ kind: 'retry', delayMs: 1_000 });
  });
});

describe('backoffMs: the one backoff rule', () => {
  it('doubles from 1 s up to a minute', () => {
    expect([1, 2, 3, 7, 8, 20].map((n) => backoffMs(error({}), n))).toEqual([1_000, 2_000, 4_000, 60_000, 60_000, 60_000]);
  });

  it("takes the provider's own wait when it gives one, up to the longest backoff", () => {
    expect(backoffMs(error({ retryAfterMs: 2_500 }), 3)).toBe(2_500);
    expect(backoffMs(error({ retryAfterMs: 3_600_000 }), 1)).toBe(MAX_BACKOFF_MS);
  });

  it('escalates a pair-rate refusal 4^X seconds, as Meta advises, up to the longest backoff', () => {
    const pair = error({ category: 'pair_rate_limited', code: '131056' });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(pair, n))).toEqual([4_000, 16_000, 64_000, 256_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
  });
});

describe('effectsOf: what an error means beyond its send', () => {
  it('holds the number on throttling, for the provider\'s wait when it says one', () => {
    expect(effectsOf({ category: 'throttled' })).toEqual({ holdNumberMs: THROTTLE_PAUSE_MS });
    expect(effectsOf({ category: 'throttled', retryAfterMs: 4_000 })).toEqual({ holdNumberMs: 4_000 });
  });

  it('pauses the channel on a dead token, a blocked account or a spam limit, and marks recipients or opts them out', () => {
    for (const category of ['auth_expired', 'channel_blocked', 'spam_limited'] as const) expect(effectsOf({ category })).toEqual({ pauseChannel: true });
    expect(effectsOf({ category: 'not_on_whatsapp' })).toEqual({ markNotOnWhatsApp: true });
    expect(effectsOf({ category: 'recipient_unreachable' })).toEqual({ markUnreachable: true });
    expect(effectsOf({ category: 'marketing_opt_out' })).toEqual({ optOutMarketing: true });
    expect(effectsOf({ category: 'marketing_experiment' })).toEqual({});
  });
});

describe('validitySecondsOf', () => {
  it('is 36 h by default, 10 minutes for authentication, and the send\'s own when it has one', () => {
    expect(validitySecondsOf(null, 'marketing')).toBe(129_600);
    expect(validitySecondsOf(null, 'authentication')).toBe(600);
    expect(validitySecondsOf(90, 'authentication')).toBe(90);
  });
});
