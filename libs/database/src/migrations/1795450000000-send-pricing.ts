import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The provider's pricing of each send (billable, category, model, type from its status webhooks) on messages and
 * campaign recipients, and billable counts per run: the counting trigger also keeps a `billable:<category>`
 * bucket per run, from the same pass over the changed rows.
 */
export class SendPricing1795450000000 implements MigrationInterface {
  name = 'SendPricing1795450000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" ADD "pricing" jsonb`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "pricing" jsonb`);
    await queryRunner.query(`
      CREATE FUNCTION campaign_billable_bucket(pricing jsonb) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN (pricing->>'billable')::boolean THEN 'billable:' || coalesce(pricing->>'category', 'other') END
      $$`);
    await queryRunner.query(countFunction(true));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(countFunction(false));
    await queryRunner.query(`DELETE FROM campaign_run_counts WHERE bucket LIKE 'billable:%'`);
    await queryRunner.query(`DROP FUNCTION campaign_billable_bucket(jsonb)`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "pricing"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "pricing"`);
  }
}

/** The statement trigger's function, with (up) or without (down) the billable buckets; sharded as before. */
function countFunction(billable: boolean): string {
  // The billable buckets read only rows with a billable pricing (a second pass over the transition table, which
  // costs less than a second bucket for every row: measured, docs/BENCHMARKS.md).
  const buckets = (rows: string, d: string) =>
    `SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at) AS b, ${d} AS d FROM ${rows}` +
    (billable ? ` UNION ALL SELECT run_id, campaign_billable_bucket(pricing), ${d} FROM ${rows} WHERE pricing IS NOT NULL AND (pricing->>'billable')::boolean` : '');
  return `
      CREATE OR REPLACE FUNCTION campaign_recipients_count() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        s smallint := pg_backend_pid() % 16;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO campaign_run_counts (run_id, bucket, shard, n)
          SELECT run_id, b, s, sum(d) FROM (${buckets('new_rows', '1')}) c GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket, shard) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO campaign_run_counts (run_id, bucket, shard, n)
          SELECT run_id, b, s, sum(d) FROM (${buckets('old_rows', '-1')} UNION ALL ${buckets('new_rows', '1')}) c
          GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket, shard) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        ELSE
          INSERT INTO campaign_run_counts (run_id, bucket, shard, n)
          SELECT run_id, b, s, sum(d) FROM (${buckets('old_rows', '-1')}) c GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket, shard) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        END IF;
        RETURN NULL;
      END $$`;
}
