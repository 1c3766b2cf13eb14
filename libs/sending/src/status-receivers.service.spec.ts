import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { StatusReceivers } from './status-receivers.service';

/** A database that keeps each receipt write as channel → [from, to] (ISO), failing the writes `failNext` says. */
function receiversWith() {
  const writes: Array<Record<string, [string, string]>> = [];
  let failNext = 0;
  const db = {
    query: async (_sql: string, [ids, froms, tos]: [string[], Date[], Date[]]) => {
      if (failNext > 0) {
        failNext--;
        throw new Error('Postgres away');
      }
      writes.push(Object.fromEntries(ids.map((id, i) => [id, [froms[i]!.toISOString(), tos[i]!.toISOString()]])));
    },
  };
  return { receivers: new StatusReceivers(db as unknown as DataSource), writes, failWrites: (n: number) => (failNext = n) };
}

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 6, 0, s));
const iso = (s: number) => at(s).toISOString();

describe('StatusReceivers.received (when the providers\' webhooks reached Herald)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-07T06:00:10Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes the first receipts at once, and those of the next second together a second later, none dropped', async () => {
    const { receivers, writes } = receiversWith();
    await receivers.received([{ channelId: 'a', at: at(1) }]);
    expect(writes).toEqual([{ a: [iso(1), iso(1)] }]);
    await receivers.received([{ channelId: 'a', at: at(3) }, { channelId: 'b', at: at(2) }]);
    await receivers.received([{ channelId: 'a', at: at(2) }]);
    expect(writes).toHaveLength(1); // written within the second: waits for the next write
    await jest.advanceTimersByTimeAsync(1_000);
    expect(writes).toEqual([{ a: [iso(1), iso(1)] }, { a: [iso(2), iso(3)], b: [iso(2), iso(2)] }]);
  });

  it('writes what is pending when the process stops, and drops a write that fails rather than keep it', async () => {
    const { receivers, writes, failWrites } = receiversWith();
    await receivers.received([{ channelId: 'a', at: at(1) }]);
    await receivers.received([{ channelId: 'a', at: at(4) }]);
    await receivers.onApplicationShutdown();
    expect(writes).toEqual([{ a: [iso(1), iso(1)] }, { a: [iso(4), iso(4)] }]);
    failWrites(1);
    await jest.advanceTimersByTimeAsync(1_000);
    await receivers.received([{ channelId: 'c', at: at(5) }]); // the write fails: less evidence, sends held longer
    await jest.advanceTimersByTimeAsync(1_000);
    await receivers.received([{ channelId: 'd', at: at(6) }]);
    expect(writes).toEqual([{ a: [iso(1), iso(1)] }, { a: [iso(4), iso(4)] }, { d: [iso(6), iso(6)] }]);
  });
});
