import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The in-doubt rule's evidence (docs/adr/0009-sends-in-doubt.md): when Herald's API processes were up to receive
 * the providers' status webhooks, and a channel's messages whose statuses came, by the time they were sent.
 */
export class InDoubtEvidence1797100000000 implements MigrationInterface {
  name = 'InDoubtEvidence1797100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "status_receivers" ("id" uuid NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_39f8914fd104203071e437a1cdb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_status_receivers_seen" ON "status_receivers" ("seen_at")`);
    await queryRunner.query(
      `CREATE INDEX "idx_messages_by_webhook" ON "messages" ("channel_id", "sending_at") WHERE status IN ('sent', 'delivered', 'read')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_messages_by_webhook"`);
    await queryRunner.query(`DROP TABLE "status_receivers"`);
  }
}
