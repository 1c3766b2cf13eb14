import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contact's conversation and channel details (GET /v1/contacts/:number/conversation, …/channels) read its single
 * messages and its campaign sends by contact: without these they scanned the workspace's rows.
 */
export class ContactHistoryIndexes1795950000000 implements MigrationInterface {
  name = 'ContactHistoryIndexes1795950000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_messages_contact_created" ON "messages" ("contact_id", "created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "idx_campaign_recipients_contact" ON "campaign_recipients" ("contact_id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_contact"`);
    await queryRunner.query(`DROP INDEX "public"."idx_messages_contact_created"`);
  }
}
