import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SendingChannel } from '@herald/channels';
import { tierLedgerKey } from './tier-ledger.util';

const DAY = `interval '24 hours'`;

/** What decides a channel's tier ledger (see `tierLedgerKey`). */
type TierChannel = Pick<SendingChannel, 'wabaId' | 'businessPortfolioId'>;

/**
 * The ledgers the claim-time checks keep, set-based, one batch at a time: marketing sends per contact (the
 * workspace's frequency cap) and the unique numbers each business portfolio started conversations with in the last
 * 24 h (the messaging tier: all its accounts and numbers share it; keyed by `tierLedgerKey`). Each decision takes an
 * advisory lock for its workspace or portfolio for the length of its transaction, so two workers (two runs started
 * together, a run and a single message, two channels of one portfolio) cannot both take the last place.
 */
@Injectable()
export class SendLedgerRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Admits marketing sends under `cap` and records the admitted ones; returns the keys refused. A send already in
   * the ledger (claimed again after a retry) is admitted without counting twice.
   */
  async admitMarketing(
    workspaceId: string,
    cap: { messages: number; days: number },
    sends: ReadonlyArray<{ key: string; contactId: string }>,
  ): Promise<Set<string>> {
    if (sends.length === 0) return new Set();
    return this.db.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 11))', [workspaceId]);
      const rows: Array<{ key: string }> = await manager.query(
        `WITH s AS (SELECT * FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS s(key, contact_id, ord)),
         fresh AS (SELECT s.* FROM s WHERE NOT EXISTS (SELECT 1 FROM marketing_send_log l WHERE l.send_key = s.key)),
         counted AS (
           SELECT fresh.*, (SELECT count(*) FROM marketing_send_log l
                             WHERE l.workspace_id = $1 AND l.contact_id = fresh.contact_id AND l.sent_at > now() - make_interval(days => $4::int))
                          + row_number() OVER (PARTITION BY fresh.contact_id ORDER BY fresh.ord) - 1 AS before
             FROM fresh),
         admitted AS (
           INSERT INTO marketing_send_log (send_key, workspace_id, contact_id, sent_at)
           SELECT key, $1, contact_id, now() FROM counted WHERE before < $5::int
           ON CONFLICT (send_key) DO NOTHING
           RETURNING send_key)
         SELECT key FROM counted WHERE before >= $5::int`,
        [workspaceId, sends.map((s) => s.key), sends.map((s) => s.contactId), cap.days, cap.messages],
      );
      return new Set(rows.map((r) => r.key));
    });
  }

  /**
   * Admits business-initiated sends of `channel` under the messaging limit of its business portfolio (`limit` unique
   * numbers per rolling 24 h, shared by all the portfolio's accounts and numbers; the ledger `tierLedgerKey`):
   * numbers it messaged in the last 24 h always pass, new ones up to what is left. Returns the numbers refused and
   * when the oldest number leaves the 24 h (a place frees then).
   */
  async admitTier(
    channel: TierChannel,
    limit: number,
    numbers: readonly string[],
  ): Promise<{ refused: Set<string>; freesAt: Date | null }> {
    if (numbers.length === 0) return { refused: new Set(), freesAt: null };
    const key = tierLedgerKey(channel);
    return this.db.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [key]);
      const rows: Array<{ to_number: string | null; frees_at: Date | null }> = await manager.query(
        `WITH n AS (SELECT DISTINCT to_number FROM unnest($2::text[]) AS n(to_number)),
         used AS (SELECT count(*) AS used, min(last_sent_at) AS oldest FROM messaging_limit_log WHERE portfolio_key = $1 AND last_sent_at > now() - ${DAY}),
         known AS (
           SELECT n.to_number, EXISTS (SELECT 1 FROM messaging_limit_log l WHERE l.portfolio_key = $1 AND l.to_number = n.to_number
                                          AND l.last_sent_at > now() - ${DAY}) AS known FROM n),
         ranked AS (SELECT known.*, row_number() OVER (PARTITION BY known ORDER BY to_number) AS rn FROM known),
         admitted AS (SELECT to_number FROM ranked, used WHERE known OR rn <= $3::int - used.used),
         logged AS (
           INSERT INTO messaging_limit_log (portfolio_key, to_number, last_sent_at) SELECT $1, to_number, now() FROM admitted
           ON CONFLICT (portfolio_key, to_number) DO UPDATE SET last_sent_at = now())
         SELECT r.to_number, u.oldest + ${DAY} AS frees_at FROM used u LEFT JOIN (SELECT to_number FROM ranked WHERE to_number NOT IN (SELECT to_number FROM admitted)) r ON true`,
        [key, numbers, limit],
      );
      return {
        refused: new Set(rows.flatMap((r) => (r.to_number === null ? [] : [r.to_number]))),
        freesAt: rows[0]?.frees_at ?? null,
      };
    });
  }

  /**
   * Carries the last 24 h of the ledger `from` (a channel's WABA, its key until its portfolio was known) over to `to`
   * (the portfolio), keeping the later time of a number found in both: the numbers an account reached before Herald
   * knew its portfolio still count against the portfolio. `from` keeps its rows (another channel of that WABA may
   * still count there until it is read; they age out). Idempotent: safe on every provider read. Returns the numbers
   * carried.
   */
  async fold(from: string, to: string): Promise<number> {
    if (from === to) return 0;
    return this.db.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [to]);
      const rows: Array<{ carried: number }> = await manager.query(
        `WITH carried AS (
           INSERT INTO messaging_limit_log (portfolio_key, to_number, last_sent_at)
           SELECT $2, to_number, last_sent_at FROM messaging_limit_log WHERE portfolio_key = $1 AND last_sent_at > now() - ${DAY}
           ON CONFLICT (portfolio_key, to_number) DO UPDATE SET last_sent_at = GREATEST(messaging_limit_log.last_sent_at, EXCLUDED.last_sent_at)
           RETURNING 1)
         SELECT count(*)::int AS carried FROM carried`,
        [from, to],
      );
      return rows[0]?.carried ?? 0;
    });
  }

  /** Unique numbers the channel's business portfolio messaged in the last 24 h, and when the oldest leaves. */
  async tierUsage(channel: TierChannel): Promise<{ used: number; freesAt: Date | null }> {
    const key = tierLedgerKey(channel);
    const rows: Array<{ used: string; oldest: Date | null }> = await this.db.query(
      `SELECT count(*) AS used, min(last_sent_at) AS oldest FROM messaging_limit_log WHERE portfolio_key = $1 AND last_sent_at > now() - ${DAY}`,
      [key],
    );
    const oldest = rows[0]!.oldest;
    return { used: Number(rows[0]!.used), freesAt: oldest === null ? null : new Date(oldest.getTime() + 86_400_000) };
  }

  /** Housekeeping: forget what no check can look at any more. */
  async prune(limit = 50_000): Promise<void> {
    await this.db.query(
      `DELETE FROM messaging_limit_log WHERE ctid IN (SELECT ctid FROM messaging_limit_log WHERE last_sent_at < now() - ${DAY} LIMIT $1)`,
      [limit],
    );
    await this.db.query(
      `DELETE FROM marketing_send_log WHERE ctid IN (SELECT ctid FROM marketing_send_log WHERE sent_at < now() - interval '366 days' LIMIT $1)`,
      [limit],
    );
  }
}
