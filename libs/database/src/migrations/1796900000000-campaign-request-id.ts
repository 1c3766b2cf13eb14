import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A campaign's or blast's `requestId` (the caller's idempotency key, one per workspace): a create asked again with the
 * same key — a retry after a timeout, a double submit — answers the campaign (and its run) it made instead of making
 * another, which with `runImmediately` or a blast would message every contact again.
 */
export class CampaignRequestId1796900000000 implements MigrationInterface {
  name = 'CampaignRequestId1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "request_id" character varying(128)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_campaigns_request_id" ON "campaigns" ("workspace_id", "request_id") WHERE request_id IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_campaigns_request_id"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "request_id"`);
  }
}
