import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A send-message job takes its message and other due messages of the same channel, oldest first, as one batch
 * (MessageSender.sendDue): this index finds a channel's waiting messages in that order. Its columns are not what
 * status webhooks change (docs/adr/0010-heap-only-status-updates.md); `open_status` changes at the claim, which writes
 * index entries anyway. It also serves waking a paused channel's queued messages.
 */
export class MessagesDueByChannel1797700000000 implements MigrationInterface {
  name = 'MessagesDueByChannel1797700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_messages_due" ON "messages" ("channel_id", "created_at", "id") WHERE open_status IN ('scheduled', 'queued')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_messages_due"`);
  }
}
