import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { parseSendMessage } from './message-input.util';

const now = new Date('2026-11-21T09:00:00Z');
const text = { type: 'text', text: { body: 'Hi' } };

function issuesOf(work: () => unknown): Array<{ field: string; issue: string }> {
  try {
    work();
  } catch (e) {
    expect(e).toBeInstanceOf(HeraldError);
    return [...(e as HeraldError).details] as Array<{ field: string; issue: string }>;
  }
  throw new Error('expected a validation error');
}

describe(parseSendMessage.name, () => {
  it('tells a message without a recipient that `to` is required and what goes in it', () => {
    const [issue, ...rest] = issuesOf(() => parseSendMessage(text, now));
    expect(rest).toEqual([]);
    expect(issue).toEqual({ field: 'to', issue: expect.stringMatching(/^is required: .*phone number, e\.g\. "to": \{"number": "\+14155550123"\} \(or "contactId"/) });
    expect(issuesOf(() => parseSendMessage(text, now, 'telegram'))[0]?.issue).toContain('chat id');
  });

  it('tells a scheduledFor in milliseconds that it looks like milliseconds, with the seconds meant', () => {
    const ms = Date.parse('2026-11-22T09:00:00Z');
    expect(issuesOf(() => parseSendMessage({ ...text, to: { number: '+14155550123' }, scheduledFor: ms }, now))).toEqual([
      { field: 'scheduledFor', issue: `looks like milliseconds (${ms} ms is 2026-11-22T09:00:00.000Z): give unix seconds (${ms / 1000}) or an RFC 3339 time` },
    ]);
    expect(issuesOf(() => parseSendMessage({ ...text, to: { number: '+14155550123' }, scheduleDateTime: String(ms) }, now))[0]?.issue).toMatch(/^looks like milliseconds/);
  });

  it('takes a WhatsApp recipient as the number alone, as in a list, and names what else it takes', () => {
    expect(parseSendMessage({ ...text, to: '+14155550123' }, now).to).toEqual([{ number: '+14155550123' }]);
    expect(issuesOf(() => parseSendMessage({ ...text, to: 42 }, now))).toEqual([{ field: 'to', issue: 'must be a phone number, or {"number": "+14155550123", "name": "…"}' }]);
    expect(issuesOf(() => parseSendMessage({ ...text, to: { name: 'Asha' } }, now))).toEqual([{ field: 'to.number', issue: 'must be a phone number' }]);
  });

  it('refuses a date that does not exist rather than rolling it over (2026-11-31 is not December 1)', () => {
    expect(issuesOf(() => parseSendMessage({ ...text, to: { number: '+14155550123' }, scheduledFor: '2026-11-31T09:00:00Z' }, now))).toEqual([
      { field: 'scheduledFor', issue: 'must be an RFC 3339 time with an offset (2026-12-24T09:00:00Z) or unix seconds' },
    ]);
  });

  it('keeps unix seconds and the 35-day limit as they were', () => {
    expect(parseSendMessage({ ...text, to: { number: '+14155550123' }, scheduledFor: Date.parse('2026-11-22T09:00:00Z') / 1000 }, now).scheduledFor?.toISOString()).toBe('2026-11-22T09:00:00.000Z');
    expect(issuesOf(() => parseSendMessage({ ...text, to: { number: '+14155550123' }, scheduledFor: '2027-02-01T00:00:00Z' }, now))).toEqual([
      { field: 'scheduledFor', issue: 'must be at most 35 days ahead' },
    ]);
  });
});
