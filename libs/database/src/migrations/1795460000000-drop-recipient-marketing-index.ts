import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops `idx_campaign_recipients_marketing`: the frequency cap reads the marketing-send ledger of the send pipeline
 * (`marketing_send_log`) since the one send pipeline, and nothing else reads recipients by contact. Every status
 * update of an accepted marketing recipient wrote an entry into it (status updates cannot be HOT).
 */
export class DropRecipientMarketingIndex1795460000000 implements MigrationInterface {
  name = 'DropRecipientMarketingIndex1795460000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_campaign_recipients_marketing"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_campaign_recipients_marketing" ON "campaign_recipients" ("contact_id", "accepted_at") WHERE marketing AND accepted_at IS NOT NULL`,
    );
  }
}
