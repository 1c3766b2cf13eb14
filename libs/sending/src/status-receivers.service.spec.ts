import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { StatusReceivers } from './status-receivers.service';

/**
 * A database that keeps each receipt write as `channel from..to` rows (seconds; `channel/platform` when not WhatsApp),
 * failing the writes `failNext` says.
 */
function receiversWith() {
  const writes: string[][] = [];
  let failNext = 0;
  const db = {
    query: async (_sql: string, [ids, froms, tos, , platforms]: [string[], Date[], Date[], number, Array<string | null>]) => {
      if (failNext > 0) {
        failNext--;
        throw new Error('Postgres away');
      }
      writes.push(ids.map((id, i) => `${id}${platforms[i] === 'whatsapp' ? '' : `/${platforms[i]}`} ${froms[i]!.getUTCSeconds()}..${tos[i]!.getUTCSeconds()}`).sort());
    },
  };
  return { receivers: new StatusReceivers(db as unknown as DataSource), writes, failWrites: (n: number) => (failNext = n) };
}

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 6, 0, s));

describe('StatusReceivers.received (when the providers\' webhooks reached Herald)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-07T06:00:10Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes the first receipts at once, and those of the next second together a second later, none dropped', async () => {
    const { receivers, writes } = receiversWith();
    await receivers.received([{ channelId: 'a', platform: 'whatsapp', at: at(1) }]);
    expect(writes).toEqual([['a 1..1']]);
    await receivers.received([{ channelId: 'a', platform: 'whatsapp', at: at(3) }, { channelId: 'b', platform: 'telegram', at: at(2) }]);
    await receivers.received([{ channelId: 'a', platform: 'whatsapp', at: at(2) }]);
    expect(writes).toHaveLength(1); // written within the second: waits for the next write
    await jest.advanceTimersByTimeAsync(1_000);
    expect(writes).toEqual([['a 1..1'], ['a 2..3', 'b/telegram 2..2']]); // each with its channel's platform
  });

  it('writes what is pending when the process stops, and drops a write that fails rather than keep it', async () => {
    const { receivers, writes, failWrites } = receiversWith();
    await receivers.received([{ channelId: 'a', platform: 'whatsapp', at: at(1) }]);
    await receivers.received([{ channelId: 'a', platform: 'whatsapp', at: at(4) }]);
    await receivers.onApplicationShutdown();
    expect(writes).toEqual([['a 1..1'], ['a 4..4']]);
    failWrites(1);
    await jest.advanceTimersByTimeAsync(1_000);
    await receivers.received([{ channelId: 'c', platform: 'whatsapp', at: at(5) }]); // the write fails: less evidence, sends held longer
    await jest.advanceTimersByTimeAsync(1_000);
    await receivers.received([{ channelId: 'd', platform: 'whatsapp', at: at(6) }]);
    expect(writes).toEqual([['a 1..1'], ['a 4..4'], ['d 6..6']]);
  });

  it('never joins receipts of one write across a longer gap: the backlog from before an outage and the webhooks after it stay apart', async () => {
    const { receivers, writes } = receiversWith();
    await receivers.received([{ channelId: 'x', platform: 'whatsapp', at: at(0) }]);
    // One applied batch: the backlog received before an outage (1, 2), then the webhooks after it (40, 41), and a
    // receipt (20) that joins neither; 3 bridges nothing, 39 joins 40.
    await receivers.received([1, 2, 40, 41, 20, 3, 39].map((s) => ({ channelId: 'x', platform: 'whatsapp', at: at(s) })));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(writes).toEqual([['x 0..0'], ['x 1..3', 'x 20..20', 'x 39..41']]);
    // A receipt between two periods within the gap of both joins them.
    await receivers.received([10, 14, 12].map((s) => ({ channelId: 'y', platform: 'whatsapp', at: at(s) })));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(writes[2]).toEqual(['y 10..14']);
  });
});
