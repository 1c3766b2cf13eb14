import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored webhook bodies as `json` instead of `jsonb`: Postgres still checks each is JSON, but keeps the text instead
 * of building the binary form, which nothing reads (the worker reads each body whole, once). Storing and reading
 * back a status costs Postgres about 5 µs instead of 10–14 (docs/BENCHMARKS.md).
 */
export class WebhookEventsJson1795470000000 implements MigrationInterface {
  name = 'WebhookEventsJson1795470000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_events" ALTER COLUMN "body" TYPE json USING "body"::json`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_events" ALTER COLUMN "body" TYPE jsonb USING "body"::jsonb`);
  }
}
