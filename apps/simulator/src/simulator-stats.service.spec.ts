import { describe, expect, it } from '@jest/globals';
import { SimulatorStats } from './simulator-stats.service';

const extra = { statusesPending: 0, statusesBuffered: 0, postsPending: 0, heldRequests: 0, templates: {} };

describe(SimulatorStats.name, () => {
  it('counts accepted sends in total and per phone number, with when the first and the latest arrived and how many in each 100 ms', () => {
    const stats = new SimulatorStats(() => 0);
    stats.accepted('a', undefined, 1_000);
    stats.accepted('a', undefined, 1_099);
    stats.accepted('a', undefined, 1_250);
    stats.accepted('b', undefined, 2_000);
    expect(stats.snapshot(extra).accepted).toEqual({
      total: 4,
      byPhoneNumberId: { a: 3, b: 1 },
      byEndpoint: { messages: 4, marketing_messages: 0 },
      marketingMessagesFallbacks: 0,
      heldForQualityAssessment: 0,
      timesByPhoneNumberId: {
        a: { first: '1970-01-01T00:00:01.000Z', last: '1970-01-01T00:00:01.250Z', spanMs: 250, bucketMs: 100, perBucket: [2, 0, 1] },
        b: { first: '1970-01-01T00:00:02.000Z', last: '1970-01-01T00:00:02.000Z', spanMs: 0, bucketMs: 100, perBucket: [1] },
      },
    });
    stats.reset();
    expect(stats.snapshot(extra).accepted).toMatchObject({ total: 0, byPhoneNumberId: {}, timesByPhoneNumberId: {} });
  });

  it('counts callback data accepted more than once: every repeat, and the values repeated', () => {
    const stats = new SimulatorStats(() => 0);
    for (const data of ['r1', 'r2', 'r1', 'r1', 'r3', 'r2']) stats.accepted('a', data);
    expect(stats.snapshot(extra).callbackData).toEqual({ distinct: 3, duplicates: 3, valuesAcceptedMoreThanOnce: 2 });
  });

  it('counts throttle violations per phone number and per second, with the worst second', () => {
    const stats = new SimulatorStats(() => 0);
    stats.throttled('a', 1_000_100, { spanMs: 990, pauseBeforeMs: 31, burstAtStart: 29 });
    stats.throttled('a', 1_000_900);
    stats.throttled('b', 1_001_000);
    expect(stats.snapshot(extra).throttle).toEqual({
      violations: 3,
      byPhoneNumberId: { a: 2, b: 1 },
      bySecond: { '1000': 2, '1001': 1 },
      secondsWithViolations: 2,
      maxInOneSecond: 2,
      // The refusals told with their window's shape, when.
      refusals: [{ phoneNumberId: 'a', at: new Date(1_000_100).toISOString(), spanMs: 990, pauseBeforeMs: 31, burstAtStart: 29, simulatorStallMs: 0 }],
    });
    stats.reset();
    expect(stats.snapshot(extra).throttle.refusals).toEqual([]);
  });

  it("tells with a refusal how long the simulator itself stood still in a stall ending where its window's first send was stamped", () => {
    const stats = new SimulatorStats(() => 0);
    // Ticks on time to 10,000, then the loop stands still: the tick due at 10,005 runs at 10,030.
    for (let at = 9_000; at <= 10_000; at += 5) stats.stalls.note(at);
    stats.stalls.note(10_030);
    // The window's first send was stamped at 10,030 (at − spanMs), 31 ms after the send before it.
    stats.throttled('a', 11_020, { spanMs: 990, pauseBeforeMs: 31, burstAtStart: 29 });
    // A window whose first send came long after the stall: the sender's own lateness, not the simulator's.
    stats.throttled('a', 11_600, { spanMs: 995, pauseBeforeMs: 9, burstAtStart: 1 });
    // A pause the stall ended inside of (nothing it held was stamped at the window's start): not the simulator's either.
    stats.throttled('a', 11_050, { spanMs: 990, pauseBeforeMs: 60, burstAtStart: 5 });
    const snapshot = stats.snapshot(extra);
    expect(snapshot.throttle.refusals.map((r) => r.simulatorStallMs)).toEqual([25, 0, 0]);
    expect(snapshot.ownStalls).toEqual({ stalls: 1, longestMs: 25 });
    stats.reset();
    expect(stats.snapshot(extra).ownStalls).toEqual({ stalls: 0, longestMs: 0 });
  });

  it('counts sends by endpoint, failures reported by webhook by code, held sends and Marketing Messages fallbacks', () => {
    const stats = new SimulatorStats(() => 0);
    stats.accepted('a', undefined, 0, 'messages');
    stats.accepted('a', undefined, 0, 'marketing_messages');
    stats.accepted('a', undefined, 0, 'marketing_messages');
    stats.failedByWebhook(131047);
    stats.failedByWebhook(131049);
    stats.failedByWebhook(131047);
    stats.held();
    stats.marketingFallback();
    const snapshot = stats.snapshot({ ...extra, serviceWindowsOpen: 2, messagingLimitUsers: { biz: 5 } });
    expect(snapshot.accepted).toMatchObject({
      byEndpoint: { messages: 1, marketing_messages: 2 },
      heldForQualityAssessment: 1,
      marketingMessagesFallbacks: 1,
    });
    expect(snapshot.failed).toEqual({ total: 3, byCode: { '131047': 2, '131049': 1 } });
    expect(snapshot.serviceWindowsOpen).toBe(2);
    expect(snapshot.messagingLimitUsers).toEqual({ biz: 5 });
    stats.reset();
    const cleared = stats.snapshot(extra);
    expect(cleared.failed).toEqual({ total: 0, byCode: {} });
    expect(cleared.accepted.byEndpoint).toEqual({ messages: 0, marketing_messages: 0 });
    expect(cleared.accepted.heldForQualityAssessment).toBe(0);
  });

  it('counts rejections by code and faults by kind', () => {
    const stats = new SimulatorStats(() => 0);
    stats.rejected(130429);
    stats.rejected(130429);
    stats.rejected(100);
    stats.fault('timeout');
    const snapshot = stats.snapshot(extra);
    expect(snapshot.rejected).toEqual({ total: 3, byCode: { '100': 1, '130429': 2 } });
    expect(snapshot.faults.timeout).toBe(1);
  });

  it('counts webhook outcomes, and ignores work started before a reset', () => {
    const stats = new SimulatorStats(() => 0);
    const before = stats.generation;
    stats.webhookAttempt(before, false, 'HTTP 500');
    stats.webhookRetry(before);
    stats.webhookAttempt(before, true);
    stats.webhookDeliveredPost(before, 'statuses', ['sent', 'sent', 'delivered']);
    let webhooks = stats.snapshot(extra).webhooks;
    expect(webhooks).toMatchObject({
      posts: 2,
      postsSucceeded: 1,
      postsFailed: 1,
      retries: 1,
      statusesSent: 3,
      lastError: 'HTTP 500',
    });
    expect(webhooks.statusesSentByStatus).toEqual({ sent: 2, delivered: 1, read: 0, failed: 0 });

    stats.reset();
    stats.webhookAttempt(before, true);
    stats.webhookDeliveredPost(before, 'statuses', ['read']);
    stats.webhookGaveUp(before, 5);
    webhooks = stats.snapshot(extra).webhooks;
    expect(webhooks).toMatchObject({ posts: 0, statusesSent: 0, statusesFailed: 0, abandoned: 0, lastError: null });
  });

  it('forgets everything on reset, including seen callback data', () => {
    const stats = new SimulatorStats(() => 0);
    stats.accepted('a', 'x');
    stats.throttled('a', 0);
    stats.reset();
    stats.accepted('a', 'x');
    const snapshot = stats.snapshot(extra);
    expect(snapshot.accepted.total).toBe(1);
    expect(snapshot.callbackData.duplicates).toBe(0);
    expect(snapshot.throttle.violations).toBe(0);
  });
});
