import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which worker claimed a send, and each worker's heartbeat: a send left `sending` by a worker that died is judged on
 * what Herald received after that worker was gone, not on what came while it still had requests out
 * (docs/adr/0009-sends-in-doubt.md). status_receipts now hold the times webhooks were received, not applied; an
 * event a person put back is marked `replayed` (no receipt of the provider's).
 */
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
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP COLUMN "replayed"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "claimed_by"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "claimed_by"`);
    await queryRunner.query(`DROP TABLE "send_workers"`);
  }
}
