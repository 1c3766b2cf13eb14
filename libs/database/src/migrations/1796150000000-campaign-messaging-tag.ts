import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Campaigns on Messenger and Instagram may carry a message tag (CONFIRMED_EVENT_UPDATE, …, HUMAN_AGENT). */
export class CampaignMessagingTag1796150000000 implements MigrationInterface {
  name = 'CampaignMessagingTag1796150000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "messaging_tag" character varying(32)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "messaging_tag"`);
  }
}
