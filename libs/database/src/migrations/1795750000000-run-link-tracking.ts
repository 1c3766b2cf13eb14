import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracked links of campaigns and runs (blasts too): whether they track them (null: the campaign's, then the
 * workspace's setting) and their UTM parameters.
 */
export class RunLinkTracking1795750000000 implements MigrationInterface {
  name = 'RunLinkTracking1795750000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_runs" ADD "track_links" boolean`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" ADD "link_utm" jsonb`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "track_links" boolean`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "link_utm" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "link_utm"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "track_links"`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" DROP COLUMN "link_utm"`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" DROP COLUMN "track_links"`);
  }
}
