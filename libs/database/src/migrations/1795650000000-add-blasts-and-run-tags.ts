import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaigns that use a template the business already has (`template_source`, `template_params`: the parameters as
 * written, a media header, buttons with a per-recipient parameter), blasts (`kind = 'blast'`: one run of such a
 * campaign, its recipients chosen by a `search_spec`), and tags on runs, carried to every send.
 */
export class AddBlastsAndRunTags1795650000000 implements MigrationInterface {
  name = 'AddBlastsAndRunTags1795650000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "kind" character varying(16) NOT NULL DEFAULT 'campaign'`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "template_source" character varying(16) NOT NULL DEFAULT 'registered'`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "template_params" jsonb`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" ADD "tags" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" ADD "search_spec" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_runs" DROP COLUMN "search_spec"`);
    await queryRunner.query(`ALTER TABLE "campaign_runs" DROP COLUMN "tags"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "template_params"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "template_source"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "kind"`);
  }
}
