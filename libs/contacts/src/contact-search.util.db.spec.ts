import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import { compileSearchSpec } from './contact-search.util';
import { normalizePhoneNumber } from './phone-number.util';

// Runs compiled searchSpecs against real Postgres (the database the jest global setup provides). The tables are
// TEMPORARY, created inside a transaction that is rolled back: they shadow any real `contacts`/`audiences` tables
// for this connection only, and leave nothing behind.
const W1 = '00000000-0000-4000-8000-000000000001';
const W2 = '00000000-0000-4000-8000-000000000002';

const normalizeNumber = (raw: string): string | undefined => {
  const result = normalizePhoneNumber(raw);
  return result.ok ? result.number : undefined;
};

describe(`${compileSearchSpec.name} against Postgres`, () => {
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query('BEGIN');
    await db.query(`
      CREATE TEMPORARY TABLE contacts (
        id bigint PRIMARY KEY, workspace_id uuid NOT NULL, number varchar(16) NOT NULL, name varchar(200) NULL,
        attributes jsonb NOT NULL DEFAULT '{}', timezone varchar(64) NOT NULL DEFAULT 'UTC', opted_out boolean NOT NULL DEFAULT false
      );
      CREATE INDEX tmp_contacts_attributes_gin ON contacts USING gin (attributes);
      CREATE TEMPORARY TABLE audiences (pk bigint PRIMARY KEY, workspace_id uuid NOT NULL, id varchar(64) NOT NULL);
      CREATE TEMPORARY TABLE audience_members (audience_pk bigint NOT NULL, contact_id bigint NOT NULL);
    `);
    await db.query(
      `INSERT INTO contacts (id, workspace_id, number, name, attributes, opted_out) VALUES
        (1, $1, '+919739978284', 'Asha', '{"plan": "gold", "age": 30, "vip": true, "code": "5"}', false),
        (2, $1, '+447911123456', 'John', '{"plan": "silver", "age": "30", "code": 5, "note": "x'') OR 1=1 --"}', true),
        (3, $1, '+12025550143', NULL, '{}', false),
        (4, $1, '+4915112345678', 'John', '{"plan": "gold", "vip": false, "age": 30.0}', false),
        (5, $2, '+919739978284', 'Asha', '{"plan": "gold"}', false)`,
      [W1, W2],
    );
    await db.query(
      `INSERT INTO audiences (pk, workspace_id, id) VALUES (1, $1, 'vip'), (2, $1, 'uk'), (3, $2, 'vip'), (4, $2, 'other')`,
      [W1, W2],
    );
    // Contact 1 (W1) wrongly linked to W2's audience "other": the workspace check must ignore that.
    await db.query(`INSERT INTO audience_members (audience_pk, contact_id) VALUES (1, 1), (1, 4), (2, 2), (3, 5), (4, 1)`);
  });

  afterAll(async () => {
    await db.query('ROLLBACK');
    await db.end();
  });

  /** Ids of W1's contacts that `spec` selects, through the same shape of query the repository builds. */
  async function ids(spec: unknown): Promise<number[]> {
    const where = compileSearchSpec(spec, { alias: 'c', firstParam: 2, normalizeNumber });
    const { rows } = await db.query<{ id: string }>(
      `SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND (${where.sql}) ORDER BY c.id`,
      [W1, ...where.params],
    );
    return rows.map((row) => Number(row.id));
  }

  it.each<[string, unknown, number[]]>([
    ['everything', {}, [1, 2, 3, 4]],
    ['name', { name: 'John' }, [2, 4]],
    ['name $in', { name: { $in: ['Asha', 'Nobody'] } }, [1]],
    ['name $exists', { name: { $exists: true } }, [1, 2, 4]],
    ['name not $exists', { name: { $exists: false } }, [3]],
    ['number', { number: '+44 7911 123456' }, [2]],
    ['number as wa_id', { number: '919739978284' }, [1]],
    ['number $in', { number: { $in: ['+1 (202) 555-0143', '00447911123456', '+61 412 345 678'] } }, [2, 3]],
    ['string attribute', { 'attributes.plan': 'gold' }, [1, 4]],
    ['number attribute (30 = 30.0, not "30")', { 'attributes.age': 30 }, [1, 4]],
    ['string attribute "30" is not the number 30', { 'attributes.age': '30' }, [2]],
    ['string "5" is not the number 5', { 'attributes.code': '5' }, [1]],
    ['number 5 is not the string "5"', { 'attributes.code': 5 }, [2]],
    ['boolean attribute true', { 'attributes.vip': true }, [1]],
    ['boolean attribute false', { 'attributes.vip': false }, [4]],
    ['boolean is not a string', { 'attributes.vip': 'true' }, []],
    ['attribute $in keeps types', { 'attributes.age': { $in: ['30', 31] } }, [2]],
    ['attribute $in mixed', { 'attributes.code': { $in: [5, '5'] } }, [1, 2]],
    ['attribute $exists', { 'attributes.vip': { $exists: true } }, [1, 4]],
    ['attribute not $exists', { 'attributes.vip': { $exists: false } }, [2, 3]],
    ['hostile attribute value is data', { 'attributes.note': "x') OR 1=1 --" }, [2]],
    ['hostile name is data', { name: "John' OR '1'='1" }, []],
    ['audience', { audience: 'vip' }, [1, 4]],
    ['audience $in', { audience: { $in: ['vip', 'uk'] } }, [1, 2, 4]],
    ['audience of another workspace', { audience: 'other' }, []],
    ['unknown audience', { audience: 'nope' }, []],
    ['audience "all"', { audience: 'all' }, [1, 2, 3, 4]],
    ['optedOut', { optedOut: true }, [2]],
    ['not optedOut', { optedOut: false }, [1, 3, 4]],
    ['several keys AND together', { name: 'John', 'attributes.plan': 'gold', audience: 'vip', optedOut: false }, [4]],
  ])('%s', async (_label, spec, expected) => {
    expect(await ids(spec)).toEqual(expected);
  });

  it('lets the GIN index on attributes serve equality, $in and $exists', async () => {
    await db.query('SET LOCAL enable_seqscan = off');
    for (const spec of [
      { 'attributes.plan': 'gold' },
      { 'attributes.plan': { $in: ['gold', 'silver'] } },
      { 'attributes.plan': { $exists: true } },
    ]) {
      const where = compileSearchSpec(spec, { alias: 'c', firstParam: 1, normalizeNumber });
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT c.id FROM contacts c WHERE ${where.sql}`,
        where.params,
      );
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on tmp_contacts_attributes_gin/);
    }
    await db.query('SET LOCAL enable_seqscan = on');
  });
});
