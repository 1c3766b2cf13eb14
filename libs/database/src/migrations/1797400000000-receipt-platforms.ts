import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each period of received webhooks keeps its channel's platform: a lone send in doubt is released on its own
 * platform's webhooks only (docs/adr/0009-sends-in-doubt.md, rule 3). Periods written before have none and speak for
 * no lone send.
 */
export class ReceiptPlatforms1797400000000 implements MigrationInterface {
  name = 'ReceiptPlatforms1797400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "status_receipts" ADD "platform" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "status_receipts" DROP COLUMN "platform"`);
  }
}
