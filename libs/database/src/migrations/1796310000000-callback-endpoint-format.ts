import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A callback endpoint's `format`: how its deliveries are shaped and signed — `herald` (Herald's envelope, every
 * existing endpoint), or a vendor's webhook shape (`engagelab`, `bird`, `cloud-api`) for clients moved from it.
 */
export class CallbackEndpointFormat1796310000000 implements MigrationInterface {
  name = 'CallbackEndpointFormat1796310000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "callback_endpoints" ADD "format" text NOT NULL DEFAULT 'herald'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "callback_endpoints" DROP COLUMN "format"`);
  }
}
