import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A workspace's tracked-link defaults: whether sends track their links, and the UTM parameters their destinations get. */
export class WorkspaceLinkTracking1795700000000 implements MigrationInterface {
  name = 'WorkspaceLinkTracking1795700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workspaces" ADD "track_links" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "workspaces" ADD "link_utm" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workspaces" DROP COLUMN "link_utm"`);
    await queryRunner.query(`ALTER TABLE "workspaces" DROP COLUMN "track_links"`);
  }
}
