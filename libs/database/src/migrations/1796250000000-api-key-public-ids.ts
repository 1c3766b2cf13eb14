import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys become pairs: a public id (`hrldpk_…`, EngageLab's `dev_key`, shown in listings) beside the secret key
 * (`dev_secret`), so clients that authenticate with `Basic base64(id:secret)` work; and a key may be restricted to
 * some sending channels (null: every channel of the workspace). Existing keys get a public id of their own.
 */
export class ApiKeyPublicIds1796250000000 implements MigrationInterface {
  name = 'ApiKeyPublicIds1796250000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // A volatile default is evaluated per row, so adding the column backfills every existing key with an id of its own;
    // the API sets its own form (`hrldpk_` + 24 base64url characters) on new keys.
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD "public_id" character varying(40) NOT NULL DEFAULT ('hrldpk_' || replace(gen_random_uuid()::text, '-', ''))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_keys_public_id" ON "api_keys" ("public_id")`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "allowed_channel_ids" uuid array`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "allowed_channel_ids"`);
    await queryRunner.query(`DROP INDEX "uq_api_keys_public_id"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "public_id"`);
  }
}
