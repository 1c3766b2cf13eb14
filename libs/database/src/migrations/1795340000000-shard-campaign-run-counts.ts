import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run counters in shards. With one row per (run, bucket), every claim and every outcome statement of every
 * worker upserted the same few rows, so their transactions queued behind each other's row locks until commit
 * (fsync included): the counters, not the sends, set a run's pace. Each statement now adds to the shard of its
 * Postgres backend (pid mod 16); readers sum the shards. A statement still upserts in (run, bucket) order, and
 * one backend always writes one shard, so concurrent statements still cannot deadlock.
 */
export class ShardCampaignRunCounts1795340000000 implements MigrationInterface {
  name = 'ShardCampaignRunCounts1795340000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_run_counts" ADD "shard" smallint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "campaign_run_counts" DROP CONSTRAINT "PK_a3555b86ddad4bf40d126268b06"`);
    await queryRunner.query(
      `ALTER TABLE "campaign_run_counts" ADD CONSTRAINT "PK_55e29e9db68cfeab254b2b196b5" PRIMARY KEY ("run_id", "bucket", "shard")`,
    );
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION campaign_recipients_count() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        s smallint := pg_backend_pid() % 16;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO campaign_run_counts (run_id, bucket, shard, n)
          SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), s, count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket, shard) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO campaign_run_counts (run_id, bucket, shard, n)
          SELECT run_id, bucket, s, sum(d) FROM (
            SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at) AS bucket, -1 AS d FROM old_rows
            UNION ALL
            SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), 1 FROM new_rows) c
          GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket, shard) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        ELSE
          INSERT INTO campaign_run_counts (run_id, bucket, shard, n)
          SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), s, -count(*) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket, shard) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        END IF;
        RETURN NULL;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION campaign_recipients_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO campaign_run_counts (run_id, bucket, n)
          SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO campaign_run_counts (run_id, bucket, n)
          SELECT run_id, bucket, sum(d) FROM (
            SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at) AS bucket, -1 AS d FROM old_rows
            UNION ALL
            SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), 1 FROM new_rows) c
          GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        ELSE
          INSERT INTO campaign_run_counts (run_id, bucket, n)
          SELECT run_id, campaign_recipient_bucket(status, skip_reason, error, accepted_at), -count(*) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (run_id, bucket) DO UPDATE SET n = campaign_run_counts.n + EXCLUDED.n;
        END IF;
        RETURN NULL;
      END $$`);
    // Fold the shards back into one row per (run, bucket) before the old key returns.
    await queryRunner.query(`
      WITH folded AS (DELETE FROM campaign_run_counts RETURNING run_id, bucket, n)
      INSERT INTO campaign_run_counts (run_id, bucket, shard, n) SELECT run_id, bucket, 0, sum(n) FROM folded GROUP BY 1, 2`);
    await queryRunner.query(`ALTER TABLE "campaign_run_counts" DROP CONSTRAINT "PK_55e29e9db68cfeab254b2b196b5"`);
    await queryRunner.query(
      `ALTER TABLE "campaign_run_counts" ADD CONSTRAINT "PK_a3555b86ddad4bf40d126268b06" PRIMARY KEY ("run_id", "bucket")`,
    );
    await queryRunner.query(`ALTER TABLE "campaign_run_counts" DROP COLUMN "shard"`);
  }
}
