import { DateTime, IANAZone } from 'luxon';

/**
 * A campaign's sending window, in wall-clock time where the recipient is (or in one fixed zone).
 *
 * Workers must never send outside it and defer a recipient to the next opening. Every piece of window arithmetic
 * lives in this module so the API, the scheduler and the workers cannot disagree about when a window is open.
 */
export interface SendWindow {
  /** "HH:mm", 00:00..23:59. The window opens at this wall time (inclusive). */
  readonly start: string;
  /**
   * "HH:mm", 00:00..24:00; "24:00" is midnight at the end of the opening day. The window closes at this wall time
   * (exclusive). `end < start` runs overnight into the next day (22:00-06:00); `end === start` is invalid.
   */
  readonly end: string;
  /** ISO weekdays (1 = Monday .. 7 = Sunday) on which the window OPENS; sorted, unique, non-empty. */
  readonly days: readonly number[];
  /** 'recipient' (each contact's own IANA zone decides) or a fixed IANA zone. */
  readonly timezone: 'recipient' | string;
}

export interface WindowIssue {
  /** e.g. 'sendWindow.start' */
  readonly field: string;
  readonly issue: string;
}

export type WindowState = { open: true; closesAt: Date } | { open: false; opensAt: Date };

export const ALL_DAYS: readonly number[] = [1, 2, 3, 4, 5, 6, 7];
export const RECIPIENT_TIMEZONE = 'recipient';
/** The zone used for a recipient whose own zone is unknown or not a valid IANA zone. */
export const FALLBACK_ZONE = 'UTC';

const KNOWN_FIELDS = new Set(['start', 'end', 'days', 'timezone']);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_OF_DAY = '24:00';
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/**
 * How many calendar days after the local date of `at` are searched for an opening. Eight always contain one (the
 * same weekday a week later, even when today's window has already closed) — except when a DST gap swallows the
 * whole window on the only allowed day (e.g. 02:00-03:00 on a spring-forward Sunday), where the next opening is a
 * further week away. Fifteen covers that too and is still a small bounded loop.
 */
const SEARCH_DAYS = 15;

/**
 * Reads an API value (unknown JSON). Returns the window, or every problem found (each naming its field as
 * `sendWindow.<x>`) so a client can fix them all in one round trip.
 *
 * - null/undefined: `{ window: null, issues: [] }`, meaning "no window, send any time".
 * - `days` and `timezone` may be absent (or null, as many clients serialise absent optional fields) and default to
 *   every day and 'recipient'. `days` is returned sorted.
 */
export function parseSendWindow(input: unknown, field = 'sendWindow'): { window: SendWindow | null; issues: WindowIssue[] } {
  if (input === null || input === undefined) return { window: null, issues: [] };
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { window: null, issues: [{ field, issue: 'must be an object' }] };
  }
  const value = input as Record<string, unknown>;
  const issues: WindowIssue[] = [];
  const report = (key: string, issue: string) => issues.push({ field: `${field}.${key}`, issue });

  const start = readTime(value.start, false, (issue) => report('start', issue));
  const end = readTime(value.end, true, (issue) => report('end', issue));
  if (start !== undefined && end !== undefined && start === end) report('end', 'must differ from start');
  const days = readDays(value.days, (issue) => report('days', issue));
  const timezone = readTimezone(value.timezone, (issue) => report('timezone', issue));
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) report(key, 'is not a known field');
  }

  if (issues.length > 0 || start === undefined || end === undefined || days === undefined || timezone === undefined) {
    return { window: null, issues };
  }
  return { window: { start, end, days, timezone }, issues: [] };
}

function readTime(raw: unknown, isEnd: boolean, report: (issue: string) => void): string | undefined {
  if (raw === undefined || raw === null) {
    report('is required');
    return undefined;
  }
  if (typeof raw === 'string' && (TIME.test(raw) || (isEnd && raw === END_OF_DAY))) return raw;
  report(isEnd ? 'must be a time "HH:mm" from 00:00 to 24:00' : 'must be a time "HH:mm" from 00:00 to 23:59');
  return undefined;
}

function readDays(raw: unknown, report: (issue: string) => void): readonly number[] | undefined {
  if (raw === undefined || raw === null) return ALL_DAYS;
  if (!Array.isArray(raw)) {
    report('must be an array of ISO weekdays (1 = Monday .. 7 = Sunday)');
    return undefined;
  }
  if (raw.length === 0) {
    report('must not be empty');
    return undefined;
  }
  const seen = new Set<number>();
  const duplicates = new Set<number>();
  let ok = true;
  for (const day of raw) {
    if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 7) {
      report(`contains ${JSON.stringify(day) ?? String(day)}, which is not an ISO weekday (1 = Monday .. 7 = Sunday)`);
      ok = false;
    } else if (seen.has(day)) {
      duplicates.add(day);
    } else {
      seen.add(day);
    }
  }
  for (const day of duplicates) {
    report(`contains ${day} more than once`);
    ok = false;
  }
  return ok ? [...seen].sort((a, b) => a - b) : undefined;
}

function readTimezone(raw: unknown, report: (issue: string) => void): string | undefined {
  if (raw === undefined || raw === null) return RECIPIENT_TIMEZONE;
  if (typeof raw === 'string' && (raw === RECIPIENT_TIMEZONE || IANAZone.isValidZone(raw))) return raw;
  report(`must be '${RECIPIENT_TIMEZONE}' or an IANA time zone such as 'Asia/Kolkata'`);
  return undefined;
}

/**
 * The zone that decides for a recipient: the window's fixed zone, or the recipient's own zone when timezone is
 * 'recipient'. A recipient zone that is missing or not a valid IANA zone falls back to UTC rather than blocking the
 * recipient forever.
 */
export function windowZone(window: SendWindow, recipientZone: string | null | undefined): string {
  if (window.timezone !== RECIPIENT_TIMEZONE) return window.timezone;
  return recipientZone && IANAZone.isValidZone(recipientZone) ? recipientZone : FALLBACK_ZONE;
}

/**
 * Whether `at` is inside the window in `zone` (start inclusive, end exclusive).
 *
 * - Open: `closesAt` is the instant it closes. If the next opening starts exactly then (a 00:00-24:00 window on
 *   consecutive days), the windows are one stretch and `closesAt` is the end of the stretch; a window that never
 *   closes within the search horizon reports the end of the horizon, a safe point to look again.
 * - Closed: `opensAt` is the first instant >= `at` at which it is open.
 *
 * Throws a RangeError for an invalid zone or Date: callers are expected to pass `windowZone(...)`.
 */
export function windowState(window: SendWindow, zone: string, at: Date): WindowState {
  const tz = IANAZone.create(zone);
  if (!tz.isValid) throw new RangeError(`windowState: '${zone}' is not a valid IANA zone`);
  const now = at.getTime();
  if (Number.isNaN(now)) throw new RangeError('windowState: invalid Date');

  const local = DateTime.fromMillis(now, { zone: tz });
  // An overnight window that opened yesterday may still be open, so the scan starts a day early.
  const first = DateTime.utc(local.year, local.month, local.day).minus({ days: 1 });
  let closesAt: number | undefined;
  for (const span of openings(window, tz, first, SEARCH_DAYS + 2)) {
    if (closesAt !== undefined) {
      // Already open: only an opening that starts exactly at (or before) the close extends the stretch.
      if (span.opens > closesAt) break;
      closesAt = Math.max(closesAt, span.closes);
    } else if (span.closes <= now) {
      continue;
    } else if (span.opens <= now) {
      closesAt = span.closes;
    } else {
      return { open: false, opensAt: new Date(span.opens) };
    }
  }
  if (closesAt !== undefined) return { open: true, closesAt: new Date(closesAt) };
  // Unreachable for a valid window: `days` is non-empty and a DST gap never swallows two weeks in a row.
  throw new RangeError(`windowState: no opening within ${SEARCH_DAYS} days in ${zone}`);
}

/**
 * The window's openings as instants, one per allowed calendar day from `first` (a local date held as a UTC
 * midnight, so that `plus({ days: 1 })` is always one calendar day and never 24 hours of some zone). Openings whose
 * every wall time falls in a DST gap are empty and skipped.
 */
function* openings(
  window: SendWindow,
  tz: IANAZone,
  first: DateTime,
  count: number,
): Generator<{ opens: number; closes: number }> {
  const start = minuteOfDay(window.start);
  const end = minuteOfDay(window.end);
  const allowed = new Set(window.days);
  for (let i = 0; i < count; i++) {
    const day = first.plus({ days: i });
    if (!allowed.has(day.weekday)) continue;
    const opens = wallTimeToInstant(tz, day, start);
    // end < start runs overnight: it closes on the next calendar day.
    const closes = wallTimeToInstant(tz, end > start ? day : day.plus({ days: 1 }), end);
    if (opens < closes) yield { opens, closes };
  }
}

/** "HH:mm" as minutes since midnight; "24:00" is 1440. */
function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * The instant (epoch ms) at which the wall clock in `tz` reads `minute` minutes after midnight of the local date
 * `day` (a UTC midnight carrying the year, month and day). 1440 is 00:00 of the next calendar day.
 *
 * Why not `DateTime.fromObject({ ... }, { zone })`? Checked against luxon 3.7:
 * - In a spring-forward gap it moves the time forward by the length of the gap (02:30 on 2026-03-08 in
 *   America/New_York becomes 03:30 EDT), but the window must open at the first valid instant after the gap
 *   (03:00 EDT).
 * - In a fall-back overlap it picks whichever offset its per-zone guess (the offset in force when the process
 *   first touched that zone) leads to, so 01:30 on 2026-11-01 in New York is EST in a process started in winter
 *   and EDT in one started in summer. Two workers could disagree.
 * So the offsets are looked up directly with `IANAZone.offset` and resolved by these rules:
 * - Ambiguous wall time (overlap): the EARLIER instant, for start and for end alike. A window 01:30-03:00 on a
 *   fall-back day therefore opens at the first 01:30 and lasts 2.5 hours; one ending at 01:30 closes at the first
 *   01:30, even though the clock shows times before 01:30 again afterwards.
 * - Non-existent wall time (gap): the first valid instant after the gap, i.e. the moment of the transition.
 * Window lengths in hours change on DST days; that is intended, the window is defined in wall-clock time.
 */
export function wallTimeToInstant(tz: IANAZone, day: DateTime, minute: number): number {
  // The wall time read as if it were UTC; the real instant is this minus the offset in force at that instant.
  const wall = day.toMillis() + minute * MINUTE_MS;
  // Offsets are at most ±14h, so the instant lies within a day of `wall`; the offsets in force there are among
  // those seen a day either side (and in the middle, in case a zone changed twice within two days).
  const offsets = [...new Set([tz.offset(wall - DAY_MS), tz.offset(wall), tz.offset(wall + DAY_MS)])];
  const instants = offsets.map((offset) => wall - offset * MINUTE_MS).filter((instant) => wallOf(tz, instant) === wall);
  if (instants.length > 0) return Math.min(...instants);

  // Gap: the clock jumps over `wall`. Before the transition it reads earlier than `wall`, from the transition on
  // later, so the transition is the smallest instant whose wall clock reads >= `wall`. Between these bounds there
  // is a single (forward) transition, so the predicate is monotone and a binary search finds it to the millisecond.
  let before = wall - Math.max(...offsets) * MINUTE_MS; // reads < wall
  let after = wall - Math.min(...offsets) * MINUTE_MS; // reads >= wall
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (wallOf(tz, middle) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

/** What the wall clock in `tz` reads at `instant`, as epoch ms read as if UTC. */
function wallOf(tz: IANAZone, instant: number): number {
  return instant + tz.offset(instant) * MINUTE_MS;
}
