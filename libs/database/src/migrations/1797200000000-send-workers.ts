import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which worker claimed a send, and each worker's heartbeat: a send left `sending` by a worker that died is judged on
 * what Herald received after that worker was gone, not on what came while it still had requests out
 * (docs/adr/0009-sends-in-doubt.md). status_receipts now hold the times webhooks were received, not applied; an
 * event a person put back is marked `replayed` (no receipt of the provider's).
 */
/** The workers of the version before, as one: see `up`. */
const BEFORE_UPGRADE = '00000000-0000-4000-8000-000000000000';

export class SendWorkers1797200000000 implements MigrationInterface {
  name = 'SendWorkers1797200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "send_workers" ("id" uuid NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_send_workers" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_send_workers_seen" ON "send_workers" ("seen_at")`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "claimed_by" uuid`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "claimed_by" uuid`);
    await queryRunner.query(`ALTER TABLE "webhook_events" ADD "replayed" boolean NOT NULL DEFAULT false`);
    // Periods of application times say nothing of when webhooks were received: start afresh.
    await queryRunner.query(`DELETE FROM "status_receipts"`);
    // Sends left in doubt by workers of the version before (stop them before migrating): their requests were over by
    // now, so they are named as claimed by a worker last seen now — only webhooks received after it count for them.
    await queryRunner.query(`INSERT INTO "send_workers" ("id", "started_at", "seen_at") VALUES ('${BEFORE_UPGRADE}', now(), now())`);
    await queryRunner.query(`UPDATE "campaign_recipients" SET "claimed_by" = '${BEFORE_UPGRADE}' WHERE "status" = 'sending' AND "sending_at" IS NOT NULL`);
    await queryRunner.query(`UPDATE "messages" SET "claimed_by" = '${BEFORE_UPGRADE}' WHERE "status" = 'sending'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP COLUMN "replayed"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "claimed_by"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "claimed_by"`);
    await queryRunner.query(`DROP TABLE "send_workers"`);
  }
}
