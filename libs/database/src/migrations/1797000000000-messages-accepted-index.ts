import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages the provider took whose statuses have not come (yet), by channel and time: a message left in doubt near
 * them (no answer, no status) is not sent again, as Herald was not getting the provider's webhooks then.
 */
export class MessagesAcceptedIndex1797000000000 implements MigrationInterface {
  name = 'MessagesAcceptedIndex1797000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_messages_accepted" ON "messages" ("channel_id", "accepted_at") WHERE status = 'accepted'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_messages_accepted"`);
  }
}
