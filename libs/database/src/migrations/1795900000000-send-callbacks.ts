import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A single message's own callback URL (EngageLab's `callback_url`): its status events go there too. */
export class SendCallbacks1795900000000 implements MigrationInterface {
  name = 'SendCallbacks1795900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" ADD "callback_url" character varying(2048)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "callback_url"`);
  }
}
