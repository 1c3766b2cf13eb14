import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import { sqlArray } from '@herald/common';

/**
 * `sqlArray` against the real Postgres: what a statement unnests from the literal is exactly what was given, for every
 * element type the send and status statements pass (text, uuid, bigint, int, boolean, timestamptz, jsonb), including
 * the strings an array literal treats specially when unquoted or unescaped.
 */
describe('sqlArray, read back by Postgres', () => {
  let pg: Client;

  beforeAll(async () => {
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
  });

  const unnest = async (type: string, literal: string) =>
    (await pg.query<{ v: unknown }>(`SELECT v FROM unnest($1::${type}[]) WITH ORDINALITY AS u(v, n) ORDER BY n`, [literal])).rows.map(
      (r) => r.v,
    );

  it('gives back every string as written, quotes, backslashes, braces, commas, spaces and the word NULL included', async () => {
    const strings = ['plain', '', ' padded ', 'a,b', '{x}', 'say "hi"', 'back\\slash', '\\"', 'NULL', 'null', 'ünïcødé ✓', 'line\nbreak', "it's"];
    expect(await unnest('text', sqlArray(strings))).toEqual(strings);
  });

  it('passes null and undefined as NULL, and keeps the positions of the rest', async () => {
    expect(await unnest('text', sqlArray(['a', null, undefined, 'b']))).toEqual(['a', null, null, 'b']);
    expect(await unnest('text', sqlArray([]))).toEqual([]);
  });

  it('passes Dates as their instants, to the millisecond, whatever the session time zone', async () => {
    const dates = [new Date('2031-03-01T09:00:00.123Z'), new Date(0), new Date('1999-12-31T23:59:59.999Z')];
    await pg.query(`SET TIME ZONE 'Pacific/Chatham'`);
    try {
      const back = (await unnest('timestamptz', sqlArray(dates))) as Date[];
      expect(back.map((d) => d.toISOString())).toEqual(dates.map((d) => d.toISOString()));
    } finally {
      await pg.query('RESET TIME ZONE');
    }
  });

  it('passes numbers, bigints as strings, booleans and uuids to their types', async () => {
    expect(await unnest('int', sqlArray([0, -7, 2_147_483_647]))).toEqual([0, -7, 2_147_483_647]);
    expect(await unnest('bigint', sqlArray(['9007199254740993', '1']))).toEqual(['9007199254740993', '1']);
    expect(await unnest('boolean', sqlArray([true, false, null]))).toEqual([true, false, null]);
    const id = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(await unnest('uuid', sqlArray([id]))).toEqual([id]);
  });

  it('passes JSON text to jsonb intact, nested quotes and backslashes included', async () => {
    const values = [{ code: 131026, title: 'Message "undeliverable"', details: 'path C:\\x' }, { billable: true, category: 'marketing' }];
    expect(await unnest('jsonb', sqlArray(values.map((v) => JSON.stringify(v))))).toEqual(values);
  });

  it('refuses what Postgres could not read, naming the element', () => {
    expect(() => sqlArray([1, Number.NaN])).toThrow('element 1 is NaN');
    expect(() => sqlArray([new Date('nope')])).toThrow('element 0 is an invalid Date');
  });
});
