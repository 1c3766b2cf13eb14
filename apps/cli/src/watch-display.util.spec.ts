import { describe, expect, it } from '@jest/globals';
import type { RunProgress } from '@herald/client';
import { countsText, etaText, runLine, runSummary } from './watch-display.util';

const NOW = Date.parse('2026-11-21T09:00:00Z');
const counts = {
  queued: 180,
  sending: 0,
  accepted: 120,
  held: 0,
  sent: 0,
  delivered: 1_200,
  read: 0,
  failed: 2,
  skipped: 0,
  cancelled: 0,
  expired: 0,
};
const running = {
  runId: 'r1',
  status: 'running',
  final: false,
  recipients: 1_502,
  counts,
  progress: 0.8802,
  rate: 60.25,
  eta: '2026-11-21T09:02:05.000Z',
  waiting: { reason: 'sending_window', until: '2026-11-21T12:30:00.000Z' },
  failureReason: null,
} as unknown as RunProgress;

describe('watch display', () => {
  it('lists the statuses that hold someone, in the order a run goes through them', () => {
    expect(countsText(counts)).toBe('queued 180 · accepted 120 · delivered 1,200 · failed 2');
    expect(countsText({ ...counts, queued: 0, accepted: 0, delivered: 0, failed: 0 })).toBe('no recipients yet');
  });

  it("tells the API's ETA in seconds, minutes or hours from now", () => {
    expect([
      etaText(null, NOW),
      etaText('2026-11-21T09:00:42Z', NOW),
      etaText('2026-11-21T09:02:05Z', NOW),
      etaText('2026-11-21T12:30:00Z', NOW),
    ]).toEqual(['ETA -', 'ETA 42s', 'ETA 2m 05s', 'ETA 3h 30m']);
  });

  it('prints one line per update, and a last line with every count', () => {
    expect(runLine('Run r1', running, NOW)).toBe(
      'Run r1 running | 1,322/1,502 (88%) | 60.3/s | ETA 2m 05s | queued 180 · accepted 120 · delivered 1,200 · failed 2 | waiting: sending_window until 2026-11-21 12:30 UTC',
    );
    expect(runSummary('Run r1', { ...running, status: 'failed', failureReason: 'The channel was deleted', rate: null })).toBe(
      'Run r1 failed (The channel was deleted): 1,502 recipients, -/s | queued 180 · accepted 120 · delivered 1,200 · failed 2',
    );
  });
});
