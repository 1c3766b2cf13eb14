import { getCountry, getTimezone } from 'countries-and-timezones';
import {
  getCountryCallingCode,
  parsePhoneNumberFromString,
  isSupportedCountry,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js';

export type NormalizedPhoneNumber =
  { ok: true; /** E.164, e.g. '+919739978284' */ number: string; country: string | undefined } | { ok: false; reason: string };

/*
 * Validation strictness — isValid() on the default ("min") metadata.
 *
 * - isPossible() only checks the digit count for the calling code, so it lets through garbage such as
 *   +1 555 555 5555 (555 is not a US area code) or +1 202 123 4567 (a NANP exchange cannot start with 1).
 * - isValid() with `libphonenumber-js/max` also matches every digit against per-type (mobile, fixed line...)
 *   patterns. That rejects about half of what the min metadata accepts for random well-formed numbers, and it
 *   rejects real numbers in ranges allocated after the pinned metadata was built. For WhatsApp a false
 *   rejection is the worse error: the contact cannot be imported at all, while a wrong-but-plausible number
 *   just fails at send time (WhatsApp is the final judge of whether a number has an account). It is also ~20%
 *   slower and 65 kB bigger.
 * - isValid() on the default metadata checks length plus the country's general national-number pattern:
 *   garbage is rejected, real-world numbers are not second-guessed. The fictional +1 202 555-0143 is valid
 *   under every metadata set (555-01xx lines are ordinary NANP digits), so this choice does not matter for it.
 */

/** Plain E.164 digits or a wa_id: an optional '+' then 1-20 ASCII digits. Most rows in an import take this path. */
const PLAIN = /^\+?[0-9]{1,20}$/;
/** Inputs longer than this are refused before any parsing, so garbage costs nothing. */
const MAX_INPUT_LENGTH = 40;
/** E.164 caps a number at 15 digits; allow an international or trunk prefix on top. */
const MAX_DIGITS = 17;
const INTERNATIONAL: { extract: false } = { extract: false };

interface NationalPlan {
  readonly options: { defaultCountry: CountryCode; extract: false };
  readonly callingCode: string;
}
const nationalPlans = new Map<CountryCode, NationalPlan>();

function planFor(country: CountryCode): NationalPlan {
  let plan = nationalPlans.get(country);
  if (!plan) {
    plan = { options: { defaultCountry: country, extract: false }, callingCode: getCountryCallingCode(country) };
    nationalPlans.set(country, plan);
  }
  return plan;
}

/**
 * Turns what a person or WhatsApp gave us into E.164.
 *
 * - `+91 97399 78284`, `+1 (202) 555-0143`: international.
 * - `00447911123456`: international, the `00` prefix stands for `+`.
 * - `07911 123456`: national (leading trunk 0); needs `defaultCountry` (ISO 3166 alpha-2, upper case).
 * - Anything else without `+`/`00`, e.g. `919739978284` or `(202) 555-0143`:
 *   - without `defaultCountry`: international, like a WhatsApp wa_id (`919739978284` is +91 97399 78284);
 *   - with `defaultCountry`: if the digits begin with that country's calling code (`91…` for IN), international
 *     first, else national first; the other reading is tried if the first is not a valid number. So `2025550143`
 *     with US is +1 202 555 0143, `919739978284` with IN is +91 97399 78284, `447911123456` with US is +44….
 *   Limitation: digits valid both ways are read per that rule, so a foreign wa_id without `+` in a list with a
 *   defaultCountry can be misread as a national number (`6591234567` with IN is an Indian number, not +65).
 *
 * `country` is the ISO country the number belongs to, `undefined` for non-geographic numbers (+800, +882...).
 */
export function normalizePhoneNumber(input: string, defaultCountry?: string): NormalizedPhoneNumber {
  let national: CountryCode | undefined;
  if (defaultCountry !== undefined) {
    if (!isValidCountryCode(defaultCountry)) {
      return fail(
        `cannot be read with defaultCountry "${String(defaultCountry).slice(0, 8)}", which is not an upper-case ISO 3166 alpha-2 country code`,
      );
    }
    national = defaultCountry as CountryCode;
  }
  if (typeof input !== 'string') return fail('is not a string');
  if (input.length > MAX_INPUT_LENGTH) return fail('is too long');

  let digits: string;
  let explicitInternational: boolean; // '+' or '00'
  if (PLAIN.test(input)) {
    explicitInternational = input.charCodeAt(0) === 43; /* + */
    digits = explicitInternational ? input.slice(1) : input;
  } else {
    const scanned = scan(input);
    if (typeof scanned !== 'string') return scanned;
    digits = scanned;
    explicitInternational = firstSignificant(input) === 43;
  }
  if (!explicitInternational && digits.charCodeAt(0) === 48 /* 0 */ && digits.charCodeAt(1) === 48) {
    digits = digits.slice(2);
    explicitInternational = true;
  }

  if (digits.length === 0) return fail(input.trim() === '' ? 'is empty' : 'has no digits');
  if (digits.length > MAX_DIGITS) return fail('is too long');

  if (explicitInternational) return international(digits);
  if (digits.charCodeAt(0) === 48 /* trunk prefix 0 */) {
    return national ? nationalNumber(digits, national) : fail('has no country code (give defaultCountry)');
  }
  if (!national) return international(digits);
  const country = national;
  return digits.startsWith(planFor(country).callingCode)
    ? firstOk(international(digits), () => nationalNumber(digits, country))
    : firstOk(nationalNumber(digits, country), () => international(digits));
}

/** An ISO 3166-1 alpha-2 code, upper case, of a country with a telephone numbering plan (what libphonenumber-js knows). */
export function isValidCountryCode(code: string): boolean {
  return (
    typeof code === 'string' && code.length === 2 && isUpperAscii(code, 0) && isUpperAscii(code, 1) && isSupportedCountry(code)
  );
}

/*
 * countries-and-timezones lists a country's zones alphabetically and has no population data, so "the first zone"
 * would put the US in America/Adak and Russia in Asia/Anadyr. Rule:
 *   1. the explicit choice below (capital or most populous zone) for every country the package lists with more
 *      than one zone, plus the phone regions it lacks (AC, TA, XK);
 *   2. otherwise the country's zone (countries with one zone: almost all);
 *   3. otherwise (a multi-zone country added by a package upgrade) the first zone, in the package's alphabetical
 *      order, whose primary country is this one, else the first zone. Deterministic, but may be a poor pick.
 * Limitation: this is one zone per country. A contact in Los Angeles or Vladivostok gets the capital's zone; a phone
 * number alone does not say more (libphonenumber-js has no geocoder), so set `timezone` explicitly where it matters.
 * Where IANA merged a city into a neighbour (Kinshasa -> Lagos), the backward-compatible name of the country's own
 * city is used; Intl, luxon and Postgres all accept those.
 */
const REPRESENTATIVE_ZONES: Readonly<Record<string, string>> = {
  AC: 'Atlantic/St_Helena', // Ascension: a libphonenumber-js region the zone package lacks
  AQ: 'Antarctica/McMurdo',
  AR: 'America/Argentina/Buenos_Aires',
  AU: 'Australia/Sydney',
  BR: 'America/Sao_Paulo',
  CA: 'America/Toronto',
  CD: 'Africa/Kinshasa',
  CL: 'America/Santiago',
  CN: 'Asia/Shanghai',
  CY: 'Asia/Nicosia',
  DE: 'Europe/Berlin',
  EC: 'America/Guayaquil',
  ES: 'Europe/Madrid',
  FM: 'Pacific/Pohnpei',
  GL: 'America/Nuuk',
  ID: 'Asia/Jakarta',
  KI: 'Pacific/Tarawa',
  KZ: 'Asia/Almaty',
  MH: 'Pacific/Majuro',
  MN: 'Asia/Ulaanbaatar',
  MX: 'America/Mexico_City',
  MY: 'Asia/Kuala_Lumpur',
  NZ: 'Pacific/Auckland',
  PF: 'Pacific/Tahiti',
  PG: 'Pacific/Port_Moresby',
  PS: 'Asia/Hebron',
  PT: 'Europe/Lisbon',
  RU: 'Europe/Moscow',
  TF: 'Indian/Kerguelen',
  UA: 'Europe/Kyiv',
  UM: 'Pacific/Wake',
  US: 'America/New_York',
  UZ: 'Asia/Tashkent',
  VN: 'Asia/Ho_Chi_Minh',
  TA: 'Atlantic/St_Helena', // Tristan da Cunha: as AC
  XK: 'Europe/Belgrade', // Kosovo: as AC
};
const zoneByCountry = new Map<string, string | undefined>();

/** The IANA zone to assume for a contact in `country` (ISO alpha-2, upper case) when nothing better is known. */
export function defaultTimezoneForCountry(country: string | undefined): string | undefined {
  if (typeof country !== 'string' || country.length !== 2 || !isUpperAscii(country, 0) || !isUpperAscii(country, 1))
    return undefined;
  if (zoneByCountry.has(country)) return zoneByCountry.get(country);
  let zone: string | undefined = REPRESENTATIVE_ZONES[country];
  if (zone === undefined) {
    const zones = getCountry(country)?.timezones ?? [];
    zone = zones.length === 1 ? zones[0] : (zones.find((name) => getTimezone(name)?.countries[0] === country) ?? zones[0]);
  }
  zoneByCountry.set(country, zone); // at most 26 * 26 entries
  return zone;
}

const zoneValidity = new Map<string, boolean>();
const MAX_CACHED_ZONES = 2_000;

/**
 * Whether Intl (and so luxon and, for these names, Postgres) knows `tz` as a zone name: 'Europe/London', 'UTC',
 * links such as 'Asia/Calcutta'. Matching is case-insensitive like Intl's. Offsets such as '+05:30' are refused even
 * where the runtime accepts them: the column holds IANA names.
 */
export function isValidTimezone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  const first = tz.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) return false;
  const cached = zoneValidity.get(tz);
  if (cached !== undefined) return cached;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    valid = true;
  } catch {
    valid = false;
  }
  if (zoneValidity.size >= MAX_CACHED_ZONES) zoneValidity.clear();
  zoneValidity.set(tz, valid);
  return valid;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

function isUpperAscii(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return c >= 65 && c <= 90;
}

/** Characters people put between digits. Anything else (except a leading '+') makes the input unusable. */
function isSeparator(c: number): boolean {
  return (
    c === 32 || c === 45 || c === 40 || c === 41 || c === 46 || c === 47 || c === 9 || c === 160 || c === 0x2010 || c === 0x2011
  );
}

/** The ASCII digits of a formatted input, or the reason it is not a phone number. */
function scan(input: string): string | { ok: false; reason: string } {
  let digits = '';
  let seenPlus = false;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += input[i];
    else if (c === 43 /* + */) {
      if (seenPlus || digits.length > 0) return fail("has a '+' that is not at the start");
      seenPlus = true;
    } else if (isSeparator(c)) continue;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c > 127 && /\p{L}/u.test(input[i]!)))
      return fail('contains letters');
    else return fail(`contains "${input[i]}", which is not part of a phone number`);
  }
  return digits;
}

function firstSignificant(input: string): number {
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (!isSeparator(c)) return c;
  }
  return 0;
}

function firstOk(first: NormalizedPhoneNumber, second: () => NormalizedPhoneNumber): NormalizedPhoneNumber {
  if (first.ok) return first;
  const other = second();
  return other.ok ? other : first;
}

function international(digits: string): NormalizedPhoneNumber {
  const text = '+' + digits;
  return verdict(parsePhoneNumberFromString(text, INTERNATIONAL), text, undefined);
}

function nationalNumber(digits: string, country: CountryCode): NormalizedPhoneNumber {
  return verdict(parsePhoneNumberFromString(digits, planFor(country).options), digits, country);
}

function verdict(parsed: PhoneNumber | undefined, text: string, country: CountryCode | undefined): NormalizedPhoneNumber {
  if (parsed?.isValid()) return { ok: true, number: parsed.number, country: parsed.country };
  // Failure path only: work out a reason a person can act on.
  const where = parsed?.country ?? country ?? (parsed ? `+${parsed.countryCallingCode}` : undefined);
  switch (validatePhoneNumberLength(text, country ? planFor(country).options : undefined)) {
    case 'INVALID_COUNTRY':
      return fail(country ? `not a valid phone number for ${country}` : 'has an unknown country code');
    case 'NOT_A_NUMBER':
      return fail('is not a phone number');
    case 'TOO_SHORT':
      return fail(where ? `is too short for ${where}` : 'is too short');
    case 'TOO_LONG':
      return fail(where ? `is too long for ${where}` : 'is too long');
    case 'INVALID_LENGTH':
      return fail(where ? `has the wrong number of digits for ${where}` : 'has the wrong number of digits');
    case undefined:
      return fail(where ? `not a valid phone number for ${where}` : 'not a valid phone number');
  }
}
