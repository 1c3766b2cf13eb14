import { describe, expect, it } from '@jest/globals';
import { PairRateLimiter } from './pair-rate.util';

const SIX_S = 6000;

describe(PairRateLimiter.name, () => {
  function limiter(start = 1_000_000) {
    let clock = start;
    const pairs = new PairRateLimiter(() => clock);
    const send = (key: string, burst = 45): boolean => {
      const next = pairs.check(key, clock, SIX_S, burst);
      if (next === undefined) return false;
      pairs.commit(key, next);
      return true;
    };
    return { pairs, send, advance: (ms: number) => (clock += ms) };
  }

  it('allows a burst of `burst` sends to one pair at once, then refuses, while other pairs go on', () => {
    const { send } = limiter();
    const answers = Array.from({ length: 46 }, () => send('phone\u0000user-a'));
    expect(answers.filter(Boolean)).toHaveLength(45);
    expect(answers[45]).toBe(false);
    expect(send('phone\u0000user-b')).toBe(true);
  });

  it('gives one send back every interval, borrowed bursts and all', () => {
    const { send, advance } = limiter();
    for (let i = 0; i < 3; i++) expect(send('p', 3)).toBe(true);
    expect(send('p', 3)).toBe(false);
    advance(SIX_S - 1);
    expect(send('p', 3)).toBe(false);
    advance(1);
    expect(send('p', 3)).toBe(true);
    expect(send('p', 3)).toBe(false);
    advance(3 * SIX_S);
    for (let i = 0; i < 3; i++) expect(send('p', 3)).toBe(true);
    expect(send('p', 3)).toBe(false);
  });

  it('costs a pair nothing when check is not followed by commit (a send refused for another reason)', () => {
    const { pairs, send } = limiter();
    expect(send('p', 1)).toBe(true);
    expect(pairs.check('q', 1_000_000, SIX_S, 1)).toBeDefined();
    expect(send('q', 1)).toBe(true);
  });

  it('forgets a pair within a second of its bucket being full again, so memory follows the active pairs', () => {
    const { pairs, send, advance } = limiter();
    for (let i = 0; i < 10_000; i++) send(`p${i}`);
    expect(pairs.size).toBe(10_000);
    advance(SIX_S + 1000);
    send('fresh');
    expect(pairs.size).toBe(1);
    for (let i = 0; i < 5; i++) send('busy');
    advance(SIX_S + 1000);
    send('fresh-2');
    // "busy" borrowed 5 intervals: its bucket is not full for another 24 s.
    expect(pairs.size).toBe(2);
    advance(4 * SIX_S);
    send('fresh-3');
    expect(pairs.size).toBe(1);
  });

  it('forgets everything on clear', () => {
    const { pairs, send } = limiter();
    send('p', 1);
    pairs.clear();
    expect(pairs.size).toBe(0);
    expect(send('p', 1)).toBe(true);
  });
});
