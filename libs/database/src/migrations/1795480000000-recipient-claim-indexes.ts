import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two indexes of campaign recipients, reshaped for the statements that read them:
 *
 * - `idx_campaign_recipients_unfinished` gains `id`: a batch's claim and due count ask for a chunk's queued
 *   recipients after the last one claimed (`id > $after`), and read from there instead of every unfinished (and
 *   not yet vacuumed) entry of the chunk.
 * - The in-doubt sweep's index (`status = 'sending'`, by `updated_at`) becomes
 *   `idx_campaign_recipients_in_doubt`, whose predicate also asks `sending_at IS NOT NULL` (true of every claimed
 *   row). A batch's outcome statements filter on `status = 'sending'` only, so the planner can no longer read
 *   them through this index: with statistics taken before the run sent anything it estimated the index almost
 *   empty and scanned it, with every dead entry the run's claims had left, for each statement.
 */
export class RecipientClaimIndexes1795480000000 implements MigrationInterface {
  name = 'RecipientClaimIndexes1795480000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_unfinished"`);
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_unfinished" ON "campaign_recipients" ("run_id", "chunk_no", "id") WHERE status IN ('queued', 'sending')`,
    );
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_sending"`);
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_in_doubt" ON "campaign_recipients" ("updated_at") WHERE status = 'sending' AND sending_at IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_in_doubt"`);
    await queryRunner.query(`CREATE INDEX "idx_campaign_recipients_sending" ON "campaign_recipients" ("updated_at") WHERE status = 'sending'`);
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_unfinished"`);
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_unfinished" ON "campaign_recipients" ("run_id", "chunk_no") WHERE status IN ('queued', 'sending')`,
    );
  }
}
