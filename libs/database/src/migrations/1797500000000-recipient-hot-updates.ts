import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN_STATUS = `CASE WHEN status IN ('queued', 'sending') THEN status END`;
const IN_DOUBT_SINCE = `CASE WHEN status = 'sending' AND sending_at IS NOT NULL THEN updated_at END`;

/**
 * A recipient's status webhooks (sent, delivered, read) become heap-only updates: no index of `campaign_recipients`
 * reads `status` or `updated_at` any more, so a change of them alone writes no index entry, and a page keeps room
 * for the row's later versions (fillfactor 60). The partial indexes that found the rows still in hand read two
 * generated columns instead, which change only when a row enters or leaves `queued`/`sending` (docs/adr/0010-heap-only-status-updates.md).
 * Their predicates compare `open_status` with values, as the old ones compared `status`: before a table has statistics
 * (a run's first minutes) the planner takes `x = 'sending'` for a small part of it and `x IS NOT NULL` for nearly all,
 * and with the latter it walked a run's 100,000 rows once per send in doubt instead of the few rows in hand.
 *
 * TypeORM keeps a generated column's expression in `typeorm_metadata`, where the schema comparison reads it; the table
 * is TypeORM's own, like `migrations`: its migration runner creates it before running any migration when an entity
 * has a generated column (as CampaignRecipient now does).
 * Adding the columns rewrites the table (once, at this migration).
 */
export class RecipientHotUpdates1797500000000 implements MigrationInterface {
  name = 'RecipientHotUpdates1797500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_unfinished"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_in_doubt"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" SET (fillfactor = 60)`);
    await queryRunner.query(
      `ALTER TABLE "campaign_recipients" ADD "open_status" character varying(16) GENERATED ALWAYS AS (${OPEN_STATUS}) STORED,
                                         ADD "in_doubt_since" TIMESTAMP WITH TIME ZONE GENERATED ALWAYS AS (${IN_DOUBT_SINCE}) STORED`,
    );
    for (const [name, value] of [
      ['open_status', OPEN_STATUS],
      ['in_doubt_since', IN_DOUBT_SINCE],
    ]) {
      await queryRunner.query(
        `INSERT INTO "typeorm_metadata" ("database", "schema", "table", "type", "name", "value")
         VALUES (current_database(), 'public', 'campaign_recipients', 'GENERATED_COLUMN', $1, $2)`,
        [name, value],
      );
    }
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_unfinished" ON "campaign_recipients" ("run_id", "chunk_no", "id") WHERE open_status IN ('queued', 'sending')`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_in_doubt" ON "campaign_recipients" ("in_doubt_since") WHERE open_status = 'sending'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_in_doubt"`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_unfinished"`);
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'campaign_recipients' AND "name" IN ('open_status', 'in_doubt_since')`,
    );
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "in_doubt_since", DROP COLUMN "open_status"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" RESET (fillfactor)`);
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_in_doubt" ON "campaign_recipients" ("updated_at") WHERE status = 'sending' AND sending_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_unfinished" ON "campaign_recipients" ("run_id", "chunk_no", "id") WHERE status IN ('queued', 'sending')`,
    );
  }
}
