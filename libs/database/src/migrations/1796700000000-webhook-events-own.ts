import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which stored webhook events Herald made itself (a retry of statuses that came before their send was recorded):
 * said by a column only Herald writes, not by the body, which a provider's POST could imitate.
 */
export class WebhookEventsOwn1796700000000 implements MigrationInterface {
  name = 'WebhookEventsOwn1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_events" ADD "own" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "webhook_events_failed" ADD "own" boolean NOT NULL DEFAULT false`);
    // Retries waiting while Herald is upgraded (seconds' worth at most) were told by their body alone.
    await queryRunner.query(`UPDATE "webhook_events" SET "own" = true WHERE json_typeof("body") = 'object' AND "body"->'heraldStatusRetry' IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_events_failed" DROP COLUMN "own"`);
    await queryRunner.query(`ALTER TABLE "webhook_events" DROP COLUMN "own"`);
  }
}
