import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook events set aside: one a worker cannot apply even alone (a body whose data Postgres refuses, a parser's
 * bug) is moved here with why, instead of failing, at the head of the queue, every batch of every workspace after it.
 */
export class WebhookEventsFailed1796600000000 implements MigrationInterface {
  name = 'WebhookEventsFailed1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_events_failed" ("id" bigint NOT NULL, "channel_id" uuid NOT NULL, "body" json NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "error" text NOT NULL, CONSTRAINT "PK_webhook_events_failed" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_events_failed"`);
  }
}
