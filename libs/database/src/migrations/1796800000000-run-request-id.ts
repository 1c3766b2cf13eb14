import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's `requestId` (the caller's idempotency key): a start asked again with the same key — a retry after a timeout,
 * a double click — answers the run it made instead of making another, which would message every contact again.
 */
export class RunRequestId1796800000000 implements MigrationInterface {
  name = 'RunRequestId1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_runs" ADD "request_id" character varying(128)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_campaign_runs_request_id" ON "campaign_runs" ("campaign_id", "request_id") WHERE request_id IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_campaign_runs_request_id"`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" DROP COLUMN "request_id"`);
  }
}
