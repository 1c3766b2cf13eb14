import { describe, expect, it } from '@jest/globals';
import { parseSendWindow, windowState, windowZone, type SendWindow } from './send-window.util';

const WEEKDAYS = [1, 2, 3, 4, 5];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

function sendWindow(start: string, end: string, days: readonly number[] = EVERY_DAY, timezone = 'recipient'): SendWindow {
  return { start, end, days, timezone };
}

/** windowState with ISO strings in and out, so a failure shows readable instants. */
function state(
  window: SendWindow,
  zone: string,
  at: string,
): { open: true; closesAt: string } | { open: false; opensAt: string } {
  const result = windowState(window, zone, new Date(at));
  return result.open
    ? { open: true, closesAt: result.closesAt.toISOString() }
    : { open: false, opensAt: result.opensAt.toISOString() };
}
const open = (closesAt: string) => ({ open: true, closesAt });
const closed = (opensAt: string) => ({ open: false, opensAt });

describe(windowState.name, () => {
  describe('Asia/Kolkata (UTC+05:30, no DST), 09:00-18:00 on weekdays', () => {
    const zone = 'Asia/Kolkata';
    const office = sendWindow('09:00', '18:00', WEEKDAYS);

    it('is open at Wednesday 12:00 and closes at 18:00 that day', () => {
      expect(state(office, zone, '2026-03-04T06:30:00.000Z')).toEqual(open('2026-03-04T12:30:00.000Z'));
    });

    it('before the start, opens the same day at 09:00', () => {
      expect(state(office, zone, '2026-03-04T02:30:00.000Z')).toEqual(closed('2026-03-04T03:30:00.000Z'));
    });

    it('after the end, opens the next allowed day at 09:00', () => {
      expect(state(office, zone, '2026-03-04T13:30:00.000Z')).toEqual(closed('2026-03-05T03:30:00.000Z'));
    });

    it.each([
      ['Friday 19:00', '2026-03-06T13:30:00.000Z'],
      ['Saturday 12:00', '2026-03-07T06:30:00.000Z'],
      ['Sunday 23:59', '2026-03-08T18:29:00.000Z'],
    ])('skips the weekend: at %s it opens on Monday 09:00', (_label, at) => {
      expect(state(office, zone, at)).toEqual(closed('2026-03-09T03:30:00.000Z'));
    });

    it('takes the weekday in the zone, not in UTC', () => {
      // Sunday 20:00 UTC is already Monday 01:30 in Kolkata: Monday's window, later that day.
      expect(state(office, zone, '2026-03-08T20:00:00.000Z')).toEqual(closed('2026-03-09T03:30:00.000Z'));
      // Friday 20:00 UTC is Saturday 01:30 in Kolkata: not Friday any more, so Monday.
      expect(state(office, zone, '2026-03-06T20:00:00.000Z')).toEqual(closed('2026-03-09T03:30:00.000Z'));
    });

    it('includes the start and excludes the end, to the millisecond', () => {
      expect(state(office, zone, '2026-03-04T03:29:59.999Z')).toEqual(closed('2026-03-04T03:30:00.000Z'));
      expect(state(office, zone, '2026-03-04T03:30:00.000Z')).toEqual(open('2026-03-04T12:30:00.000Z'));
      expect(state(office, zone, '2026-03-04T12:29:59.999Z')).toEqual(open('2026-03-04T12:30:00.000Z'));
      expect(state(office, zone, '2026-03-04T12:30:00.000Z')).toEqual(closed('2026-03-05T03:30:00.000Z'));
    });
  });

  describe('spring forward: America/New_York on 2026-03-08 (02:00 EST -> 03:00 EDT, 07:00Z)', () => {
    const zone = 'America/New_York';

    it('a 02:30 start, which does not exist that day, opens at 03:00 EDT (07:00Z), not at 03:30', () => {
      const early = sendWindow('02:30', '05:00');
      expect(state(early, zone, '2026-03-08T05:00:00.000Z')).toEqual(closed('2026-03-08T07:00:00.000Z'));
      expect(state(early, zone, '2026-03-08T06:59:59.999Z')).toEqual(closed('2026-03-08T07:00:00.000Z'));
      expect(state(early, zone, '2026-03-08T07:00:00.000Z')).toEqual(open('2026-03-08T09:00:00.000Z'));
      // The day before, 02:30 EST exists: 07:30Z.
      expect(state(early, zone, '2026-03-07T05:00:00.000Z')).toEqual(closed('2026-03-07T07:30:00.000Z'));
    });

    it('09:00-17:00 is 13:00Z-21:00Z on that day and 14:00Z-22:00Z the day before', () => {
      const office = sendWindow('09:00', '17:00');
      expect(state(office, zone, '2026-03-07T05:00:00.000Z')).toEqual(closed('2026-03-07T14:00:00.000Z'));
      expect(state(office, zone, '2026-03-07T14:00:00.000Z')).toEqual(open('2026-03-07T22:00:00.000Z'));
      expect(state(office, zone, '2026-03-08T05:00:00.000Z')).toEqual(closed('2026-03-08T13:00:00.000Z'));
      expect(state(office, zone, '2026-03-08T13:00:00.000Z')).toEqual(open('2026-03-08T21:00:00.000Z'));
    });

    it('an end inside the gap closes at 03:00 EDT', () => {
      expect(state(sendWindow('00:00', '02:30'), zone, '2026-03-08T06:59:00.000Z')).toEqual(open('2026-03-08T07:00:00.000Z'));
    });

    it('an overnight window across the gap is an hour shorter (22:00 EST Saturday to 06:00 EDT Sunday)', () => {
      const night = sendWindow('22:00', '06:00', [6]);
      expect(state(night, zone, '2026-03-08T02:59:00.000Z')).toEqual(closed('2026-03-08T03:00:00.000Z'));
      expect(state(night, zone, '2026-03-08T09:59:00.000Z')).toEqual(open('2026-03-08T10:00:00.000Z'));
    });

    it('a window entirely inside the gap does not open that day; the next allowed day is a week later', () => {
      const swallowed = sendWindow('02:00', '03:00', [7]);
      // The Sunday before, 02:00 EST exists.
      expect(state(swallowed, zone, '2026-02-27T12:00:00.000Z')).toEqual(closed('2026-03-01T07:00:00.000Z'));
      expect(state(swallowed, zone, '2026-03-06T12:00:00.000Z')).toEqual(closed('2026-03-15T06:00:00.000Z'));
      expect(state(swallowed, zone, '2026-03-08T07:00:00.000Z')).toEqual(closed('2026-03-15T06:00:00.000Z'));
    });
  });

  describe('fall back: America/New_York on 2026-11-01 (02:00 EDT -> 01:00 EST, 06:00Z)', () => {
    const zone = 'America/New_York';

    it('09:00-17:00 is 14:00Z-22:00Z on that day and 13:00Z-21:00Z the day before', () => {
      const office = sendWindow('09:00', '17:00');
      expect(state(office, zone, '2026-10-31T04:00:00.000Z')).toEqual(closed('2026-10-31T13:00:00.000Z'));
      expect(state(office, zone, '2026-10-31T13:00:00.000Z')).toEqual(open('2026-10-31T21:00:00.000Z'));
      expect(state(office, zone, '2026-11-01T04:00:00.000Z')).toEqual(closed('2026-11-01T14:00:00.000Z'));
      expect(state(office, zone, '2026-11-01T14:00:00.000Z')).toEqual(open('2026-11-01T22:00:00.000Z'));
    });

    it('an ambiguous 01:30 start opens at the earlier 01:30 (EDT, 05:30Z) and stays open through the repeat', () => {
      const early = sendWindow('01:30', '03:00');
      expect(state(early, zone, '2026-11-01T04:00:00.000Z')).toEqual(closed('2026-11-01T05:30:00.000Z'));
      expect(state(early, zone, '2026-11-01T05:30:00.000Z')).toEqual(open('2026-11-01T08:00:00.000Z'));
      // 01:15 EST, the second time the clock shows 01:15: opened at the first 01:30, still open.
      expect(state(early, zone, '2026-11-01T06:15:00.000Z')).toEqual(open('2026-11-01T08:00:00.000Z'));
    });

    it('an ambiguous 01:30 end closes at the earlier 01:30 and does not reopen when the clock repeats', () => {
      const night = sendWindow('00:00', '01:30');
      expect(state(night, zone, '2026-11-01T05:29:00.000Z')).toEqual(open('2026-11-01T05:30:00.000Z'));
      // 01:15 EST: the wall clock is inside 00:00-01:30 again, but that window already closed at 05:30Z.
      expect(state(night, zone, '2026-11-01T06:15:00.000Z')).toEqual(closed('2026-11-02T05:00:00.000Z'));
    });
  });

  describe('spring forward: Europe/London on 2026-03-29 (01:00 GMT -> 02:00 BST, 01:00Z)', () => {
    const zone = 'Europe/London';
    const early = sendWindow('01:30', '04:00');

    it('a 01:30 start opens at 02:00 BST (01:00Z) and closes at 04:00 BST (03:00Z)', () => {
      expect(state(early, zone, '2026-03-29T00:30:00.000Z')).toEqual(closed('2026-03-29T01:00:00.000Z'));
      expect(state(early, zone, '2026-03-29T01:00:00.000Z')).toEqual(open('2026-03-29T03:00:00.000Z'));
    });

    it('opens at 01:30 GMT the day before and 01:30 BST the day after', () => {
      expect(state(early, zone, '2026-03-28T00:00:00.000Z')).toEqual(closed('2026-03-28T01:30:00.000Z'));
      expect(state(early, zone, '2026-03-28T01:30:00.000Z')).toEqual(open('2026-03-28T04:00:00.000Z'));
      expect(state(early, zone, '2026-03-29T03:00:00.000Z')).toEqual(closed('2026-03-30T00:30:00.000Z'));
    });
  });

  it('a midnight that does not exist (America/Santiago, 2026-09-06 00:00 -> 01:00) opens at 01:00 -03 (04:00Z)', () => {
    const sunday = sendWindow('00:00', '08:00', [7]);
    expect(state(sunday, 'America/Santiago', '2026-09-05T12:00:00.000Z')).toEqual(closed('2026-09-06T04:00:00.000Z'));
    expect(state(sunday, 'America/Santiago', '2026-09-06T04:00:00.000Z')).toEqual(open('2026-09-06T11:00:00.000Z'));
  });

  describe('overnight 22:00-06:00 opening on Fridays only (Asia/Kolkata)', () => {
    const zone = 'Asia/Kolkata';
    const friday = sendWindow('22:00', '06:00', [5]);

    it('opens Friday 22:00 and closes Saturday 06:00', () => {
      expect(state(friday, zone, '2026-03-06T16:29:00.000Z')).toEqual(closed('2026-03-06T16:30:00.000Z'));
      expect(state(friday, zone, '2026-03-06T16:30:00.000Z')).toEqual(open('2026-03-07T00:30:00.000Z'));
    });

    it('is open on Saturday 03:00, after midnight, because it opened on Friday', () => {
      expect(state(friday, zone, '2026-03-06T21:30:00.000Z')).toEqual(open('2026-03-07T00:30:00.000Z'));
    });

    it('is closed from Saturday 06:00 and does not open on Saturday 22:00; the next opening is next Friday', () => {
      expect(state(friday, zone, '2026-03-07T00:30:00.000Z')).toEqual(closed('2026-03-13T16:30:00.000Z'));
      expect(state(friday, zone, '2026-03-07T16:30:00.000Z')).toEqual(closed('2026-03-13T16:30:00.000Z'));
    });

    it('does open on Saturday 22:00 when Saturday is in days', () => {
      expect(state(sendWindow('22:00', '06:00', [5, 6]), zone, '2026-03-07T16:30:00.000Z')).toEqual(
        open('2026-03-08T00:30:00.000Z'),
      );
    });
  });

  describe('24:00 end', () => {
    const zone = 'Asia/Kolkata';

    it('closes at midnight at the end of the opening day', () => {
      const evening = sendWindow('18:00', '24:00', [1]);
      expect(state(evening, zone, '2026-03-02T18:29:00.000Z')).toEqual(open('2026-03-02T18:30:00.000Z'));
      expect(state(evening, zone, '2026-03-02T18:30:00.000Z')).toEqual(closed('2026-03-09T12:30:00.000Z'));
    });

    it('00:00-24:00 on weekdays is one stretch from Monday 00:00 to Saturday 00:00', () => {
      const allDay = sendWindow('00:00', '24:00', WEEKDAYS);
      expect(state(allDay, zone, '2026-03-02T06:30:00.000Z')).toEqual(open('2026-03-06T18:30:00.000Z'));
      expect(state(allDay, zone, '2026-03-03T18:30:00.000Z')).toEqual(open('2026-03-06T18:30:00.000Z'));
      expect(state(allDay, zone, '2026-03-07T06:30:00.000Z')).toEqual(closed('2026-03-08T18:30:00.000Z'));
    });
  });

  describe('which zone decides', () => {
    const at = '2026-03-04T06:00:00.000Z';

    it("with 'recipient', recipients in Kolkata and Los Angeles get different answers at the same instant", () => {
      const office = sendWindow('09:00', '17:00');
      // Kolkata: Wednesday 11:30, open until 17:00 IST.
      expect(state(office, windowZone(office, 'Asia/Kolkata'), at)).toEqual(open('2026-03-04T11:30:00.000Z'));
      // Los Angeles: Tuesday 22:00 PST, opens Wednesday 09:00 PST.
      expect(state(office, windowZone(office, 'America/Los_Angeles'), at)).toEqual(closed('2026-03-04T17:00:00.000Z'));
    });

    it('a fixed timezone ignores the recipient zone', () => {
      const office = sendWindow('09:00', '17:00', EVERY_DAY, 'Asia/Kolkata');
      expect(windowZone(office, 'America/Los_Angeles')).toBe('Asia/Kolkata');
      expect(state(office, windowZone(office, 'America/Los_Angeles'), at)).toEqual(open('2026-03-04T11:30:00.000Z'));
    });
  });

  it('refuses an invalid zone or Date', () => {
    expect(() => windowState(sendWindow('09:00', '17:00'), 'Mars/Olympus', new Date())).toThrow(RangeError);
    expect(() => windowState(sendWindow('09:00', '17:00'), 'UTC', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe(windowZone.name, () => {
  const recipient = sendWindow('09:00', '17:00');

  it("uses the recipient's zone when it is a valid IANA zone", () => {
    expect(windowZone(recipient, 'Asia/Kolkata')).toBe('Asia/Kolkata');
  });

  it.each([null, undefined, '', 'Not/AZone', '+05:30'])('falls back to UTC for recipient zone %j', (zone) => {
    expect(windowZone(recipient, zone)).toBe('UTC');
  });

  it('uses a fixed zone whatever the recipient zone', () => {
    expect(windowZone(sendWindow('09:00', '17:00', EVERY_DAY, 'Europe/London'), 'Not/AZone')).toBe('Europe/London');
  });
});

describe(parseSendWindow.name, () => {
  it('reads a full window and sorts days', () => {
    expect(parseSendWindow({ start: '09:00', end: '18:00', days: [5, 1, 3], timezone: 'Asia/Kolkata' })).toEqual({
      window: { start: '09:00', end: '18:00', days: [1, 3, 5], timezone: 'Asia/Kolkata' },
      issues: [],
    });
  });

  it("defaults days to every day and timezone to 'recipient'", () => {
    const expected = { window: { start: '22:00', end: '06:00', days: EVERY_DAY, timezone: 'recipient' }, issues: [] };
    expect(parseSendWindow({ start: '22:00', end: '06:00' })).toEqual(expected);
    expect(parseSendWindow({ start: '22:00', end: '06:00', days: null, timezone: null })).toEqual(expected);
  });

  it('accepts 24:00 as end and 00:00 as start', () => {
    expect(parseSendWindow({ start: '00:00', end: '24:00', timezone: 'recipient' }).window).toEqual(sendWindow('00:00', '24:00'));
  });

  it.each([null, undefined])('reads %j as no window', (input) => {
    expect(parseSendWindow(input)).toEqual({ window: null, issues: [] });
  });

  it.each(['09:00-17:00', 42, true, [], [{ start: '09:00' }]])('refuses %j: not an object', (input) => {
    expect(parseSendWindow(input)).toEqual({ window: null, issues: [{ field: 'sendWindow', issue: 'must be an object' }] });
  });

  it('reports every problem together, each with its field', () => {
    expect(
      parseSendWindow({ start: '9:00', end: '24:01', days: [0, 3, 3, 'x', 2.5], timezone: 'Mars/Olympus', colour: 'red' }),
    ).toEqual({
      window: null,
      issues: [
        { field: 'sendWindow.start', issue: 'must be a time "HH:mm" from 00:00 to 23:59' },
        { field: 'sendWindow.end', issue: 'must be a time "HH:mm" from 00:00 to 24:00' },
        { field: 'sendWindow.days', issue: 'contains 0, which is not an ISO weekday (1 = Monday .. 7 = Sunday)' },
        { field: 'sendWindow.days', issue: 'contains "x", which is not an ISO weekday (1 = Monday .. 7 = Sunday)' },
        { field: 'sendWindow.days', issue: 'contains 2.5, which is not an ISO weekday (1 = Monday .. 7 = Sunday)' },
        { field: 'sendWindow.days', issue: 'contains 3 more than once' },
        { field: 'sendWindow.timezone', issue: "must be 'recipient' or an IANA time zone such as 'Asia/Kolkata'" },
        { field: 'sendWindow.colour', issue: 'is not a known field' },
      ],
    });
  });

  it('requires start and end', () => {
    expect(parseSendWindow({})).toEqual({
      window: null,
      issues: [
        { field: 'sendWindow.start', issue: 'is required' },
        { field: 'sendWindow.end', issue: 'is required' },
      ],
    });
  });

  it('refuses end equal to start', () => {
    expect(parseSendWindow({ start: '09:00', end: '09:00' })).toEqual({
      window: null,
      issues: [{ field: 'sendWindow.end', issue: 'must differ from start' }],
    });
  });

  it.each(['24:00', '9:00', '09:60', '25:00', '09:00:00', ' 09:00', '0900', '', 900])('refuses start %j', (start) => {
    expect(parseSendWindow({ start, end: '10:00' }).issues).toEqual([
      { field: 'sendWindow.start', issue: 'must be a time "HH:mm" from 00:00 to 23:59' },
    ]);
  });

  it.each([
    [[], 'must not be empty'],
    ['weekdays', 'must be an array of ISO weekdays (1 = Monday .. 7 = Sunday)'],
    [[8], 'contains 8, which is not an ISO weekday (1 = Monday .. 7 = Sunday)'],
    [[1, '2'], 'contains "2", which is not an ISO weekday (1 = Monday .. 7 = Sunday)'],
  ])('refuses days %j: %s', (days, issue) => {
    expect(parseSendWindow({ start: '09:00', end: '17:00', days }).issues).toEqual([{ field: 'sendWindow.days', issue }]);
  });
});
