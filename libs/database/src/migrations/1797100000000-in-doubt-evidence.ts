import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The in-doubt rule's evidence (docs/adr/0009-sends-in-doubt.md): when Herald's API processes were up to receive
 * the providers' status webhooks, when each channel's statuses were applied, and a channel's messages the provider
 * took whose statuses came, by the time they were taken.
 */
export class InDoubtEvidence1797100000000 implements MigrationInterface {
  name = 'InDoubtEvidence1797100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "status_receivers" ("id" uuid NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_39f8914fd104203071e437a1cdb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_status_receivers_seen" ON "status_receivers" ("seen_at")`);
    await queryRunner.query(
      `CREATE TABLE "status_receipts" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "channel_id" uuid NOT NULL, "from_at" TIMESTAMP WITH TIME ZONE NOT NULL, "to_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d5e61b6d83f0ce0976c1c9fef29" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_status_receipts_channel" ON "status_receipts" ("channel_id", "to_at")`);
    await queryRunner.query(
      `CREATE INDEX "idx_messages_by_webhook" ON "messages" ("channel_id", "accepted_at") WHERE status IN ('sent', 'delivered', 'read')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_messages_by_webhook"`);
    await queryRunner.query(`DROP TABLE "status_receipts"`);
    await queryRunner.query(`DROP TABLE "status_receivers"`);
  }
}
