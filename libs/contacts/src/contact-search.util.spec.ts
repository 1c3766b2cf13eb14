import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { compileSearchSpec, MAX_IN_VALUES, MAX_SEARCH_KEYS } from './contact-search.util';
import { normalizePhoneNumber } from './phone-number.util';

const normalizeNumber = (raw: string): string | undefined => {
  const result = normalizePhoneNumber(raw);
  return result.ok ? result.number : undefined;
};
const compile = (spec: unknown, firstParam = 1) => compileSearchSpec(spec, { alias: 'c', firstParam, normalizeNumber });

const AUDIENCE_SQL = (test: string) =>
  'EXISTS (SELECT 1 FROM audience_members m JOIN audiences a ON a.pk = m.audience_pk ' +
  `WHERE m.contact_id = c.id AND ${test} AND a.workspace_id = c.workspace_id)`;

/** The HeraldError compiling `spec` throws. */
function rejection(spec: unknown): HeraldError {
  try {
    compile(spec);
  } catch (error) {
    if (error instanceof HeraldError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be rejected`);
}

function expectRejected(spec: unknown, field: string, issue: RegExp): void {
  const error = rejection(spec);
  expect(error.kind).toBe('invalid');
  expect(error.code).toBe('invalid_search_spec');
  expect(error.details).toEqual([{ field, issue: expect.stringMatching(issue) }]);
  if (field !== 'searchSpec') expect(error.message).toContain(JSON.stringify(field.slice('searchSpec.'.length)));
}

describe(compileSearchSpec.name, () => {
  describe('matching', () => {
    it('matches everything for an empty spec', () => {
      expect(compile({})).toEqual({ sql: 'TRUE', params: [] });
    });

    it('compares name by equality, $in and $exists', () => {
      expect(compile({ name: 'John' })).toEqual({ sql: 'c.name = $1', params: ['John'] });
      expect(compile({ name: { $in: ['John', 'Asha'] } })).toEqual({
        sql: 'c.name = ANY($1::text[])',
        params: [['John', 'Asha']],
      });
      expect(compile({ name: { $exists: true } })).toEqual({ sql: 'c.name IS NOT NULL', params: [] });
      expect(compile({ name: { $exists: false } })).toEqual({ sql: 'c.name IS NULL', params: [] });
    });

    it('compares number after normalising it to E.164', () => {
      expect(compile({ number: '+91 97399 78284' })).toEqual({ sql: 'c.number = $1', params: ['+919739978284'] });
      expect(compile({ number: { $in: ['919739978284', '00447911123456'] } })).toEqual({
        sql: 'c.number = ANY($1::text[])',
        params: [['+919739978284', '+447911123456']],
      });
    });

    it('matches attributes by containment of a typed one-key object', () => {
      expect(compile({ 'attributes.plan': 'gold' })).toEqual({ sql: 'c.attributes @> $1::jsonb', params: ['{"plan":"gold"}'] });
      expect(compile({ 'attributes.age': 30 })).toEqual({ sql: 'c.attributes @> $1::jsonb', params: ['{"age":30}'] });
      expect(compile({ 'attributes.code': '5' })).toEqual({ sql: 'c.attributes @> $1::jsonb', params: ['{"code":"5"}'] });
      expect(compile({ 'attributes.vip': false })).toEqual({ sql: 'c.attributes @> $1::jsonb', params: ['{"vip":false}'] });
    });

    it('matches attributes by $in with each value keeping its JSON type', () => {
      expect(compile({ 'attributes.code': { $in: ['5', 5, true] } })).toEqual({
        sql: 'c.attributes @> ANY($1::jsonb[])',
        params: [['{"code":"5"}', '{"code":5}', '{"code":true}']],
      });
    });

    it('tests attribute presence with $exists, the key as a parameter', () => {
      expect(compile({ 'attributes.plan': { $exists: true } })).toEqual({ sql: 'c.attributes ? $1', params: ['plan'] });
      expect(compile({ 'attributes.plan': { $exists: false } })).toEqual({ sql: 'NOT (c.attributes ? $1)', params: ['plan'] });
    });

    it('matches audience membership within the contact’s workspace', () => {
      expect(compile({ audience: 'vip' })).toEqual({ sql: AUDIENCE_SQL('a.id = $1'), params: ['vip'] });
      expect(compile({ audience: { $in: ['vip', 'uk'] } })).toEqual({
        sql: AUDIENCE_SQL('a.id = ANY($1::text[])'),
        params: [['vip', 'uk']],
      });
    });

    it('treats the audience "all" as every contact', () => {
      expect(compile({ audience: 'all' })).toEqual({ sql: 'TRUE', params: [] });
      expect(compile({ audience: { $in: ['vip', 'all'] } })).toEqual({ sql: 'TRUE', params: [] });
      expect(compile({ audience: 'all', name: 'John' })).toEqual({ sql: 'c.name = $1', params: ['John'] });
    });

    it('filters on optedOut', () => {
      expect(compile({ optedOut: true })).toEqual({ sql: 'c.opted_out = $1', params: [true] });
      expect(compile({ optedOut: false })).toEqual({ sql: 'c.opted_out = $1', params: [false] });
    });

    it('ANDs keys together, numbering placeholders from firstParam in key order', () => {
      const compiled = compile(
        {
          name: 'John',
          'attributes.plan': { $in: ['gold', 'silver'] },
          'attributes.city': { $exists: true },
          number: '+1 (202) 555-0143',
          audience: 'vip',
          optedOut: false,
        },
        3,
      );
      expect(compiled.sql).toBe(
        [
          'c.name = $3',
          'c.attributes @> ANY($4::jsonb[])',
          'c.attributes ? $5',
          'c.number = $6',
          AUDIENCE_SQL('a.id = $7'),
          'c.opted_out = $8',
        ]
          .map((clause) => `(${clause})`)
          .join(' AND '),
      );
      expect(compiled.params).toEqual(['John', ['{"plan":"gold"}', '{"plan":"silver"}'], 'city', '+12025550143', 'vip', false]);
    });

    it('uses the alias it is given', () => {
      expect(compileSearchSpec({ name: 'x' }, { alias: 'contact', firstParam: 10, normalizeNumber }).sql).toBe(
        'contact.name = $10',
      );
    });

    it('refuses an alias or firstParam that is not code-shaped (a programming error, not a 400)', () => {
      expect(() => compileSearchSpec({}, { alias: 'c; DROP TABLE x', firstParam: 1, normalizeNumber })).toThrow(TypeError);
      expect(() => compileSearchSpec({}, { alias: 'c', firstParam: 0, normalizeNumber })).toThrow(TypeError);
      expect(() => compileSearchSpec({}, { alias: 'c', firstParam: 1.5, normalizeNumber })).toThrow(TypeError);
    });

    it('accepts $in lists up to the limit', () => {
      const values = Array.from({ length: MAX_IN_VALUES }, (_, i) => `v${i}`);
      expect(compile({ name: { $in: values } }).params).toEqual([values]);
    });
  });

  describe('rejections', () => {
    it.each([null, [], [{ name: 'x' }], 'name', 5, true, new Date(), new Map([['name', 'x']])])(
      'refuses %p as a spec',
      (spec) => {
        expectRejected(spec, 'searchSpec', /must be a JSON object/);
      },
    );

    it(`refuses more than ${MAX_SEARCH_KEYS} keys`, () => {
      const spec = Object.fromEntries(Array.from({ length: MAX_SEARCH_KEYS + 1 }, (_, i) => [`attributes.k${i}`, i]));
      expectRejected(spec, 'searchSpec', /at most 20 keys/);
      delete spec['attributes.k0'];
      expect(compile(spec).params).toHaveLength(MAX_SEARCH_KEYS);
    });

    it.each(['email', 'Name', 'id', 'workspace_id', 'opted_out', 'attributes', '__proto__', 'name; DROP TABLE contacts', ''])(
      'refuses the unknown key %j',
      (key) => {
        expectRejected(JSON.parse(JSON.stringify({ [key]: 'x' })) as unknown, `searchSpec.${key}`, /is not a searchable key/);
      },
    );

    it.each([
      'attributes.',
      'attributes.a-b',
      'attributes.a.b',
      'attributes.plan ',
      "attributes.x') OR 1=1 --",
      'attributes.x"',
      `attributes.${'k'.repeat(65)}`,
      'attributes.émoji',
    ])('refuses the attribute key %j', (key) => {
      expectRejected({ [key]: 'x' }, `searchSpec.${key}`, /attribute key/);
    });

    it.each([
      ['name', { $regex: '^J' }, /unsupported operator "\$regex"/],
      ['name', { $gt: 'A' }, /unsupported operator "\$gt"/],
      ['name', { $ne: 'John' }, /unsupported operator "\$ne"/],
      ['attributes.age', { $gt: 5 }, /unsupported operator "\$gt"/],
      ['attributes.age', { $where: 'sleep(10)' }, /unsupported operator/],
      ['number', { $exists: true }, /unsupported operator "\$exists" \(use \$in\)/],
      ['audience', { $exists: true }, /unsupported operator/],
      ['optedOut', { $in: [true] }, /must be true or false/],
      ['name', { $in: ['a'], $exists: true }, /exactly one operator/],
      ['name', {}, /exactly one operator/],
      ['name', { first: 'John' }, /not a nested object/],
      ['attributes.address', { city: 'Pune' }, /not a nested object/],
    ])('refuses %s: %j', (key, value, issue) => {
      expectRejected({ [key]: value }, `searchSpec.${key}`, issue);
    });

    it.each([
      ['name', 5, /must be a string/],
      ['name', null, /must be a string \(or \{"\$exists": false\}/],
      ['name', true, /must be a string/],
      ['name', ['John'], /must not be an array; use \{"\$in"/],
      ['name', 'x'.repeat(201), /at most 200 characters/],
      ['name', 'nul\u0000byte', /NUL/],
      ['number', 919739978284, /must be a string/],
      ['number', 'not a number', /is not a phone number/],
      ['number', '+1 555 555 5555', /is not a phone number/],
      ['number', "+91' OR '1'='1", /is not a phone number/],
      ['attributes.plan', null, /string, number or boolean/],
      ['attributes.plan', Number.NaN, /finite number/],
      ['attributes.plan', Number.POSITIVE_INFINITY, /finite number/],
      ['attributes.plan', 'x'.repeat(1001), /at most 1000 characters/],
      ['attributes.plan', 'a\u0000', /NUL/],
      ['audience', '', /non-empty string/],
      ['audience', 7, /non-empty string/],
      ['audience', 'a'.repeat(65), /at most 64 characters/],
      ['optedOut', 'true', /must be true or false/],
      ['optedOut', 1, /must be true or false/],
      ['optedOut', null, /must be true or false/],
    ])('refuses %s = %p', (key, value, issue) => {
      expectRejected({ [key]: value }, `searchSpec.${key}`, issue);
    });

    it.each([
      ['name', [], /non-empty array/],
      ['name', 'John', /non-empty array/],
      ['name', Array.from({ length: MAX_IN_VALUES + 1 }, () => 'x'), /at most 1000 values/],
      ['name', ['ok', 5], /\$in item 1 must be a string/],
      ['name', ['ok', { $in: ['nested'] }], /\$in item 1 must be a string/],
      ['number', ['+919739978284', 'nope'], /\$in item 1 is not a phone number/],
      ['attributes.plan', ['gold', { a: 1 }], /\$in item 1 must be a string, number or boolean/],
      ['attributes.plan', ['gold', null], /\$in item 1 must be a string, number or boolean/],
      ['attributes.plan', [['gold']], /\$in item 0 must be a string, number or boolean/],
      ['audience', ['vip', ''], /\$in item 1 must be an audience id/],
    ])('refuses %s: {"$in": %p}', (key, list, issue) => {
      expectRejected({ [key]: { $in: list } }, `searchSpec.${key}`, issue);
    });

    it.each([
      ['name', 'yes'],
      ['name', 1],
      ['attributes.plan', null],
    ])('refuses %s: {"$exists": %p}', (key, flag) => {
      expectRejected({ [key]: { $exists: flag } }, `searchSpec.${key}`, /\$exists must be true or false/);
    });
  });

  describe('injection', () => {
    const hostile = [
      "'; DROP TABLE contacts; --",
      "x') OR 1=1 --",
      'zq9" OR "1"="1',
      '$7 OR TRUE',
      '$$; SELECT pg_sleep(10); $$',
      "Robert'); DELETE FROM audiences WHERE ('1'='1",
      "\\'; TRUNCATE contacts; --",
      '*/ OR TRUE /*',
    ];

    /** Every string in `value`, keys included. */
    function strings(value: unknown): string[] {
      if (typeof value === 'string') return [value];
      if (Array.isArray(value)) return value.flatMap(strings);
      if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
      return [];
    }

    const specs: Record<string, unknown>[] = hostile.flatMap((evil) => [
      { name: evil },
      { name: { $in: [evil, 'other_zq9'] } },
      { 'attributes.plan_zq9': evil },
      { 'attributes.plan_zq9': { $in: [evil, 5, true] } },
      { 'attributes.city_zq9': { $exists: false } },
      { audience: evil.slice(0, 64) },
      { audience: { $in: [evil.slice(0, 64), 'vip_zq9'] } },
    ]);

    it('keeps every value and attribute key out of the SQL text', () => {
      const fixedKeys = new Set(['name', 'number', 'audience', 'optedOut', '$in', '$exists']);
      for (const spec of specs) {
        const { sql, params } = compile(spec);
        expect(sql).toMatch(/^[a-zA-Z0-9_ .,()$?@>=:[\]]+$/);
        for (const input of strings(spec)) {
          if (fixedKeys.has(input)) continue;
          const bare = input.startsWith('attributes.') ? input.slice('attributes.'.length) : input;
          expect(sql.includes(bare)).toBe(false);
        }
        expect(params.length).toBeGreaterThan(0);
      }
    });

    it('refuses hostile keys before they reach anything', () => {
      for (const evil of hostile) {
        expect(rejection({ [evil]: 'x' }).details[0]!.field).toBe(`searchSpec.${evil}`);
        expect(rejection({ [`attributes.${evil}`]: 'x' }).details[0]!.issue).toMatch(/attribute key/);
        expect(rejection({ name: { [evil]: 'x' } }).code).toBe('invalid_search_spec');
      }
    });

    it('passes hostile numbers through the normaliser, never as text', () => {
      for (const evil of hostile) expect(rejection({ number: evil }).details[0]!.issue).toBe('is not a phone number');
    });
  });
});
