import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Departures (docs/adr/0009-sends-in-doubt.md, rule 5): each claim gets its worker's sequence number (`claim_seq`),
 * each worker records which of its numbers may have left it (`departed`) before they can, and a worker counted gone
 * is buried (`buried_at`) before the sends it never let leave are queued again. Sends claimed by the version before
 * have no number: the evidence rule judges them as before; so does a worker of the version before (no record).
 */
export class SendDepartures1797300000000 implements MigrationInterface {
  name = 'SendDepartures1797300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "send_workers" ADD "departed" int8multirange`);
    await queryRunner.query(`ALTER TABLE "send_workers" ADD "buried_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "claim_seq" bigint`);
    await queryRunner.query(`ALTER TABLE "messages" ADD "claim_seq" bigint`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "claim_seq"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "claim_seq"`);
    await queryRunner.query(`ALTER TABLE "send_workers" DROP COLUMN "buried_at"`);
    await queryRunner.query(`ALTER TABLE "send_workers" DROP COLUMN "departed"`);
  }
}
