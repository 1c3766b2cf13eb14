import { describe, expect, it } from '@jest/globals';
import { getCountry, getTimezone } from 'countries-and-timezones';
import { defaultTimezoneForCountry, isValidCountryCode, isValidTimezone, normalizePhoneNumber } from './phone-number.util';

describe(normalizePhoneNumber.name, () => {
  // [input, defaultCountry, E.164, country]
  const valid: [string, string | undefined, string, string | undefined][] = [
    ['+91 97399 78284', undefined, '+919739978284', 'IN'],
    ['+919739978284', undefined, '+919739978284', 'IN'],
    ['919739978284', undefined, '+919739978284', 'IN'], // WhatsApp wa_id: digits without '+'
    ['00447911123456', undefined, '+447911123456', 'GG'], // 07911 12… is a Guernsey mobile range in +44
    ['0091 97399 78284', undefined, '+919739978284', 'IN'],
    ['+1 (202) 555-0143', undefined, '+12025550143', 'US'], // fictional 555-01xx, still valid digits
    ['+1-202-555-0143', undefined, '+12025550143', 'US'],
    ['+1.202.555.0143', undefined, '+12025550143', 'US'],
    ['  +44 20 7946 0958 ', undefined, '+442079460958', 'GB'],
    ['07911 123456', 'GB', '+447911123456', 'GG'],
    ['07911123456', 'GB', '+447911123456', 'GG'],
    ['020 7946 0958', 'GB', '+442079460958', 'GB'],
    ['+91 97399 78284', 'GB', '+919739978284', 'IN'], // an explicit '+' wins over defaultCountry
    ['9739978284', 'IN', '+919739978284', 'IN'], // not valid as +97…, so read nationally
    ['91 97399 78284', 'IN', '+919739978284', 'IN'],
    ['(202) 555-0143', 'US', '+12025550143', 'US'],
    ['2025550143', 'US', '+12025550143', 'US'],
    ['6462000000', 'US', '+16462000000', 'US'], // also valid as +64 NZ: not starting with 1, national is tried first
    ['12025550143', 'US', '+12025550143', 'US'], // starts with US's calling code: international first
    ['447911123456', 'US', '+447911123456', 'GG'], // not a US number, so read as international
    ['9173997828', 'IN', '+919173997828', 'IN'], // starts with 91 but +91 73997828 is too short: national
    ['6591234567', 'IN', '+916591234567', 'IN'], // limitation: a +65 wa_id without '+' reads as Indian here
    ['+55 11 98765-4321', undefined, '+5511987654321', 'BR'],
    ['+49 151 12345678', undefined, '+4915112345678', 'DE'],
    ['+61 412 345 678', undefined, '+61412345678', 'AU'],
    ['+800 1234 5678', undefined, '+80012345678', undefined], // non-geographic: no country
  ];
  it.each(valid)('accepts %j (defaultCountry %s) as %s', (input, defaultCountry, number, country) => {
    expect(normalizePhoneNumber(input, defaultCountry)).toEqual({ ok: true, number, country });
  });

  // [input, defaultCountry, reason]
  const invalid: [string, string | undefined, string][] = [
    ['', undefined, 'is empty'],
    ['   ', undefined, 'is empty'],
    ['abc', undefined, 'contains letters'],
    ['+91 97399 7828A', undefined, 'contains letters'],
    ['+91 97399 78284 ext 5', undefined, 'contains letters'],
    ['+44 7911 123456#', undefined, 'contains "#", which is not part of a phone number'],
    ['++12025550143', undefined, "has a '+' that is not at the start"],
    ['1202+5550143', undefined, "has a '+' that is not at the start"],
    ['- ( ) -', undefined, 'has no digits'],
    ['+12345', undefined, 'is too short for +1'],
    ['+91 12345', undefined, 'is too short for IN'],
    ['+9197399782841234', undefined, 'is too long for IN'],
    ['1234567890123456789012', undefined, 'is too long'],
    ['+999 123456789', undefined, 'has an unknown country code'],
    ['+1 555 555 5555', undefined, 'not a valid phone number for +1'], // possible length, impossible area code
    ['+1 202 123 4567', undefined, 'not a valid phone number for +1'], // exchange cannot start with 1
    ['+91 00000 00000', undefined, 'not a valid phone number for IN'],
    ['07911 123456', undefined, 'has no country code (give defaultCountry)'],
    ['07911123456', undefined, 'has no country code (give defaultCountry)'],
    ['(202) 555-0143', undefined, 'not a valid phone number for EG'], // no '+' and no defaultCountry: read as +20…
    ['0123', 'GB', 'is too short for GB'],
    [
      '+1 202 555 0143',
      'gb',
      'cannot be read with defaultCountry "gb", which is not an upper-case ISO 3166 alpha-2 country code',
    ],
    [
      '+1 202 555 0143',
      'ZZ',
      'cannot be read with defaultCountry "ZZ", which is not an upper-case ISO 3166 alpha-2 country code',
    ],
    [
      '+1 202 555 0143',
      'GBR',
      'cannot be read with defaultCountry "GBR", which is not an upper-case ISO 3166 alpha-2 country code',
    ],
    ['9'.repeat(200), undefined, 'is too long'],
  ];
  it.each(invalid)('rejects %j (defaultCountry %s): %s', (input, defaultCountry, reason) => {
    expect(normalizePhoneNumber(input, defaultCountry)).toEqual({ ok: false, reason });
  });

  it('never returns anything but E.164 for a success', () => {
    for (const [input, defaultCountry] of valid) {
      const result = normalizePhoneNumber(input, defaultCountry);
      expect(result.ok && /^\+[1-9][0-9]{6,14}$/.test(result.number)).toBe(true);
    }
  });

  it('refuses non-strings at runtime instead of throwing', () => {
    expect(normalizePhoneNumber(12025550143 as unknown as string)).toEqual({ ok: false, reason: 'is not a string' });
  });
});

describe(isValidCountryCode.name, () => {
  it('accepts upper-case ISO alpha-2 codes with a numbering plan and nothing else', () => {
    for (const code of ['IN', 'GB', 'US', 'GG', 'XK', 'BR']) expect(isValidCountryCode(code)).toBe(true);
    for (const code of ['', 'in', 'Gb', 'GBR', 'ZZ', 'UK', '12', ' IN', 'IN ']) expect(isValidCountryCode(code)).toBe(false);
  });
});

describe(defaultTimezoneForCountry.name, () => {
  it('picks the main zone of multi-zone countries', () => {
    expect(defaultTimezoneForCountry('US')).toBe('America/New_York');
    expect(defaultTimezoneForCountry('IN')).toBe('Asia/Kolkata');
    expect(defaultTimezoneForCountry('BR')).toBe('America/Sao_Paulo');
    expect(defaultTimezoneForCountry('RU')).toBe('Europe/Moscow');
    expect(defaultTimezoneForCountry('AU')).toBe('Australia/Sydney');
    expect(defaultTimezoneForCountry('CA')).toBe('America/Toronto');
    expect(defaultTimezoneForCountry('CD')).toBe('Africa/Kinshasa');
  });

  it('uses the only zone of single-zone countries and covers countries the package lacks', () => {
    expect(defaultTimezoneForCountry('GB')).toBe('Europe/London');
    expect(defaultTimezoneForCountry('GG')).toBe('Europe/London');
    expect(defaultTimezoneForCountry('FR')).toBe('Europe/Paris');
    expect(defaultTimezoneForCountry('XK')).toBe('Europe/Belgrade');
    expect(defaultTimezoneForCountry('AC')).toBe('Atlantic/St_Helena');
  });

  it('returns undefined for no, unknown or malformed countries', () => {
    for (const country of [undefined, '', 'ZZ', 'us', 'USA', 'HM']) expect(defaultTimezoneForCountry(country)).toBeUndefined();
  });

  it('gives every country with more than one zone a valid zone that belongs to it', () => {
    for (const country of multiZoneCountries()) {
      const zone = defaultTimezoneForCountry(country) ?? '';
      expect([country, isValidTimezone(zone), getTimezone(zone)?.countries.some((code) => code === country)]).toEqual([
        country,
        true,
        true,
      ]);
    }
  });

  it('returns a zone Intl knows for every country a phone number can have', () => {
    const missing: string[] = [];
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        if (!isValidCountryCode(code)) continue;
        const zone = defaultTimezoneForCountry(code);
        if (zone === undefined || !isValidTimezone(zone)) missing.push(code);
      }
    }
    // AC, TA and XK are phone regions countries-and-timezones lacks; they are mapped explicitly.
    expect(missing).toEqual([]);
  });
});

function multiZoneCountries(): string[] {
  const out: string[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const country = getCountry(String.fromCharCode(a, b));
      if (country && country.timezones.length > 1) out.push(country.id);
    }
  }
  return out;
}

describe(isValidTimezone.name, () => {
  it('accepts IANA names, links and UTC', () => {
    for (const tz of [
      'Asia/Kolkata',
      'America/New_York',
      'Europe/London',
      'UTC',
      'Etc/GMT+5',
      'Asia/Calcutta',
      'america/new_york',
    ]) {
      expect(isValidTimezone(tz)).toBe(true);
    }
  });

  it('refuses unknown names, offsets and junk', () => {
    for (const tz of [
      '',
      'Mars/Olympus',
      'Asia/Kolkata ',
      '+05:30',
      '-03:00',
      'GMT+25',
      `Europe/${'x'.repeat(70)}`,
      "UTC'; --",
    ]) {
      expect(isValidTimezone(tz)).toBe(false);
    }
  });

  it('answers the same from its cache', () => {
    expect(isValidTimezone('Europe/Paris')).toBe(true);
    expect(isValidTimezone('Europe/Paris')).toBe(true);
    expect(isValidTimezone('Nowhere/Land')).toBe(false);
    expect(isValidTimezone('Nowhere/Land')).toBe(false);
  });
});
