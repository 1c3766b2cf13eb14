import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A send's own callback URL. */
export class SendCallbacks1795900000000 implements MigrationInterface {
  name = 'SendCallbacks1795900000000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
