import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { CallbackOutbox } from '@herald/callbacks';
import { emptyOutcomes, type SendOutcomes } from '@herald/sending';
import type { RecipientRepository } from './recipient.repository';
import { RECORD_EVERY_MS, RecipientOutcomes } from './recipient-outcomes.service';

/** A repository that keeps what each write recorded (ids per kind), failing the writes `failNext` says. */
function recorderWith(subscribers: readonly string[] = []) {
  const writes: Array<{ accepted: string[]; released: string[]; skipped: string[]; events: boolean }> = [];
  let failNext = 0;
  const keep = (o: SendOutcomes, events: boolean) => {
    if (failNext > 0) {
      failNext--;
      throw new Error('Postgres away');
    }
    writes.push({ accepted: o.accepted.map((a) => a.id), released: o.released.map((r) => r.id), skipped: o.skipped.map((s) => s.id), events });
  };
  const recipients = {
    record: async (o: SendOutcomes) => keep(o, false),
    recordWithEvents: async (o: SendOutcomes) => keep(o, true),
  };
  const outbox = { subscribed: async (ids: string[]) => new Set(ids.filter((id) => subscribers.includes(id))) };
  const service = new RecipientOutcomes(recipients as unknown as RecipientRepository, outbox as unknown as CallbackOutbox);
  return { service, writes, failWrites: (n: number) => (failNext = n) };
}

const accept = (o: SendOutcomes, id: string) => o.accepted.push({ id, providerMessageId: `wamid.${id}`, held: false });

describe('RecipientOutcomes (campaign recipients recorded as the provider answers)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes the answers in hand every tick while batches are out, and a finished batch at once, with the others\' answers in hand', async () => {
    const r = recorderWith();
    const batch = r.service.track('ws-1', emptyOutcomes());
    const other = r.service.track('ws-1', emptyOutcomes());
    accept(batch.outcomes, '1');
    accept(other.outcomes, '2');
    await jest.advanceTimersByTimeAsync(RECORD_EVERY_MS - 1);
    expect(r.writes).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    // One write for both batches of the workspace, with neither finished.
    expect(r.writes).toEqual([{ accepted: ['1', '2'], released: [], skipped: [], events: false }]);
    accept(batch.outcomes, '3');
    accept(other.outcomes, '4');
    let settled = false;
    void batch.finished().then(() => (settled = true));
    // Its chunk waits for it: written without waiting for the tick, and the other's answer goes along.
    await jest.advanceTimersByTimeAsync(1);
    expect(r.writes.at(-1)).toMatchObject({ accepted: ['3', '4'] });
    expect(settled).toBe(true);
    // The other is still out: the ticks go on for its answers.
    accept(other.outcomes, '5');
    await jest.advanceTimersByTimeAsync(RECORD_EVERY_MS);
    expect(r.writes.at(-1)).toMatchObject({ accepted: ['5'] });
    const last = other.finished();
    await jest.advanceTimersByTimeAsync(1);
    await expect(last).resolves.toBe(false); // nothing left of it to write
    expect(r.writes).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(10 * RECORD_EVERY_MS);
    expect(r.writes).toHaveLength(3); // nothing open: no more ticks, no empty writes
  });

  it('settles a batch finished during a write only once a write that began after it is done, and says when sends were handed back', async () => {
    let release!: () => void;
    const r = recorderWith();
    const slow = new Promise<void>((resolve) => (release = resolve));
    const batch = r.service.track('ws-1', emptyOutcomes());
    const other = r.service.track('ws-1', emptyOutcomes());
    accept(batch.outcomes, '1');
    const written = r.writes.length;
    // The tick's write is slow (Postgres busy)…
    const service = r.service as unknown as { record: (ws: string, o: SendOutcomes) => Promise<void> };
    const record = service.record.bind(r.service);
    service.record = async (ws, o) => {
      await slow;
      return record(ws, o);
    };
    await jest.advanceTimersByTimeAsync(RECORD_EVERY_MS);
    // …and the batch's last outcome comes while it is under way.
    batch.outcomes.released.push({ id: '2', attempts: 1 });
    let settled: boolean | undefined;
    void batch.finished().then((released) => (settled = released));
    await jest.advanceTimersByTimeAsync(1);
    expect(settled).toBeUndefined(); // the write under way did not take its last outcome
    release();
    await jest.advanceTimersByTimeAsync(1);
    expect(r.writes.slice(written).map((w) => [w.accepted, w.released])).toEqual([
      [['1'], []],
      [[], ['2']],
    ]);
    expect(settled).toBe(true);
    void other.finished();
    await jest.advanceTimersByTimeAsync(1);
  });

  it('writes each workspace apart, so one whose write hangs holds up none of the others\' chunks', async () => {
    const r = recorderWith(['ws-2']);
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const service = r.service as unknown as { record: (ws: string, o: SendOutcomes) => Promise<void> };
    const record = service.record.bind(r.service);
    service.record = async (ws, o) => {
      if (ws === 'ws-1') await hung; // a lock, or Postgres slow for this workspace's rows
      return record(ws, o);
    };
    const one = r.service.track('ws-1', emptyOutcomes());
    const two = r.service.track('ws-2', emptyOutcomes());
    accept(one.outcomes, '1');
    accept(two.outcomes, '2');
    let oneSettled = false;
    void one.finished().then(() => (oneSettled = true));
    const twoFinished = two.finished();
    await jest.advanceTimersByTimeAsync(1);
    await expect(twoFinished).resolves.toBe(false);
    expect(r.writes).toEqual([{ accepted: ['2'], released: [], skipped: [], events: true }]); // ws-2 listens: with events
    expect(oneSettled).toBe(false);
    release();
    await jest.advanceTimersByTimeAsync(1);
    expect(oneSettled).toBe(true);
    expect(r.writes.at(-1)).toEqual({ accepted: ['1'], released: [], skipped: [], events: false });
  });

  it('tries a failed write once more with the next one, and only then fails the batch (its recipients stay in doubt)', async () => {
    const r = recorderWith();
    const batch = r.service.track('ws-1', emptyOutcomes());
    accept(batch.outcomes, '1');
    r.failWrites(1);
    const finished = batch.finished();
    await jest.advanceTimersByTimeAsync(1);
    await expect(finished).resolves.toBe(false); // written by the second try
    expect(r.writes).toEqual([{ accepted: ['1'], released: [], skipped: [], events: false }]);

    const doomed = r.service.track('ws-1', emptyOutcomes());
    doomed.outcomes.skipped.push({ id: '2', attempts: 1, reason: 'opted_out', error: { code: 'opted_out', title: 't', details: 'd' } });
    r.failWrites(2);
    const failed = doomed.finished();
    const outcome = failed.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await jest.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe('Postgres away');
    expect(r.writes).toHaveLength(1);
  });
});
