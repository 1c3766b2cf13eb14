import { describe, expect, it } from '@jest/globals';
import { addBuckets, foldCounts, progressOf, toResults } from './run-figures.util';

describe('run figures from counter buckets', () => {
  const buckets = {
    accepted: 2,
    sent: 3,
    delivered: 10,
    read: 5,
    'failed:send': 1,
    'failed:delivery': 2,
    'failed:not_on_whatsapp': 4,
    'skipped:opted_out': 3,
    'skipped:not_on_whatsapp': 1,
    queued: 6,
    held: 1,
    expired: 2,
  };

  it('folds buckets into statuses, with skip reasons and kinds of failure apart', () => {
    const { counts, skippedBy, failedBy } = foldCounts(buckets);
    expect(counts).toEqual({
      queued: 6,
      sending: 0,
      accepted: 2,
      sent: 3,
      delivered: 10,
      read: 5,
      failed: 7,
      skipped: 4,
      cancelled: 0,
      held: 1,
      expired: 2,
    });
    expect(skippedBy).toEqual({ opted_out: 3, not_on_whatsapp: 1 });
    expect(failedBy).toEqual({ send: 1, delivery: 2, not_on_whatsapp: 4 });
  });

  it('defines the results: sent counts acceptance, delivered includes read, 131026 apart from errors', () => {
    expect(toResults(buckets)).toEqual({
      sent: 22, // accepted 2 + sent 3 + delivered 10 + read 5 + delivery failures 2
      delivered: 15,
      read: 5,
      sendErrors: 1,
      deliveryErrors: 2,
      numbersNotOnWhatsApp: 5,
      skipped: 4,
      held: 1,
      expired: 2,
      deliveryRate: 0.6818,
      readRate: 0.3333,
      billable: { total: 0, byCategory: {} },
    });
    expect(toResults({})).toMatchObject({ sent: 0, deliveryRate: 0, readRate: 0 });
  });

  it('counts billable sends by pricing category, and they change no status count', () => {
    const priced = { ...buckets, 'billable:marketing': 12, 'billable:utility': 3, 'billable:service': 0 };
    expect(toResults(priced).billable).toEqual({ total: 15, byCategory: { marketing: 12, utility: 3 } });
    expect(toResults(priced).sent).toBe(toResults(buckets).sent);
    expect(foldCounts(priced).counts).toEqual(foldCounts(buckets).counts);
  });

  it('adds runs together for a campaign', () => {
    expect(addBuckets([{ read: 1, 'skipped:opted_out': 2 }, { read: 3 }])).toEqual({ read: 4, 'skipped:opted_out': 2 });
  });

  it('gives progress and an ETA from the pace of sends (skipped ones do not speed it up)', () => {
    const started = new Date('2026-11-21T09:00:00Z');
    const now = new Date('2026-11-21T09:00:10Z');
    const counts = { queued: 50, sending: 0, accepted: 0, held: 0, sent: 0, delivered: 0, read: 40, failed: 0, skipped: 10, cancelled: 0, expired: 0 };
    const { progress, eta } = progressOf(counts, 100, started, now, true);
    expect(progress).toBe(0.5);
    // 40 sent in 10 s → 4/s → 50 left take 12.5 s.
    expect(eta?.toISOString()).toBe('2026-11-21T09:00:22.500Z');
    expect(progressOf(counts, 100, started, now, false).eta).toBeNull();
    expect(progressOf({ ...counts, queued: 0, read: 90 }, 100, started, now, false).progress).toBe(1);
  });

  it('counts a wait (window, quiet hours, tier) into the ETA: the rest goes out from when it ends, at the same pace', () => {
    const started = new Date('2026-11-21T09:00:00Z');
    const now = new Date('2026-11-21T09:00:10Z');
    const counts = { queued: 50, sending: 0, accepted: 0, held: 0, sent: 0, delivered: 0, read: 40, failed: 0, skipped: 10, cancelled: 0, expired: 0 };
    const until = new Date('2026-11-21T10:00:00Z');
    expect(progressOf(counts, 100, started, now, true, until).eta?.toISOString()).toBe('2026-11-21T10:00:12.500Z');
    // Nothing sent yet, waiting for the window: at least the opening.
    expect(progressOf({ ...counts, read: 0, queued: 90 }, 100, started, now, true, until).eta?.toISOString()).toBe(until.toISOString());
  });
});
