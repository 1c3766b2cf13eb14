import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tier ledger moves from one per WhatsApp Business Account to one per business portfolio: Meta counts the
 * messaging limit per portfolio, shared by all its accounts and their numbers. `channels.business_portfolio_id` keeps
 * the portfolio the provider names for the channel's account (`owner_business_info`, read with the tier);
 * `messaging_limit_log.waba_id` becomes `portfolio_key`: the portfolio's id, or the WABA's until the portfolio is read
 * (so every row already there stays valid as it is, keyed by its WABA). Renamed in place, with its primary key, so no
 * row of the last 24 h is lost.
 */
export class PortfolioTierLedger1795500000000 implements MigrationInterface {
  name = 'PortfolioTierLedger1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" ADD "business_portfolio_id" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "messaging_limit_log" RENAME COLUMN "waba_id" TO "portfolio_key"`);
    await queryRunner.query(
      `ALTER TABLE "messaging_limit_log" RENAME CONSTRAINT "PK_bea2b96747483ddb1a568501ff8" TO "PK_4e027bcde54c5aabb21ae8207e4"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Back to one ledger per account: each account of a portfolio takes the portfolio's whole last 24 h (never fewer
    // numbers than it reached), and rows keyed by a portfolio go.
    await queryRunner.query(
      `INSERT INTO "messaging_limit_log" (portfolio_key, to_number, last_sent_at)
       SELECT DISTINCT ON (c.waba_id, l.to_number) c.waba_id, l.to_number, l.last_sent_at
         FROM "messaging_limit_log" l JOIN "channels" c ON c.business_portfolio_id = l.portfolio_key AND c.waba_id <> l.portfolio_key
        ORDER BY c.waba_id, l.to_number, l.last_sent_at DESC
       ON CONFLICT (portfolio_key, to_number) DO UPDATE SET last_sent_at = GREATEST("messaging_limit_log".last_sent_at, EXCLUDED.last_sent_at)`,
    );
    await queryRunner.query(
      `DELETE FROM "messaging_limit_log" l WHERE EXISTS (SELECT 1 FROM "channels" c WHERE c.business_portfolio_id = l.portfolio_key)
          AND NOT EXISTS (SELECT 1 FROM "channels" c WHERE c.waba_id = l.portfolio_key)`,
    );
    await queryRunner.query(
      `ALTER TABLE "messaging_limit_log" RENAME CONSTRAINT "PK_4e027bcde54c5aabb21ae8207e4" TO "PK_bea2b96747483ddb1a568501ff8"`,
    );
    await queryRunner.query(`ALTER TABLE "messaging_limit_log" RENAME COLUMN "portfolio_key" TO "waba_id"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "business_portfolio_id"`);
  }
}
