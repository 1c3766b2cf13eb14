import type { SendingChannel } from '@herald/channels';

/**
 * The key of the tier ledger a channel counts in. Meta counts the messaging limit per business portfolio, shared by
 * every WABA the portfolio owns and their numbers, so it is the portfolio's id once the provider has said which one
 * (`owner_business_info`). Until then (a channel not read yet, a read that failed, an answer naming no business), the
 * channel's WABA id: every number of one WABA is in one portfolio, so that never lets one account exceed the limit,
 * though two accounts of one portfolio may each use it until both are read. Both are Meta object ids, from one space,
 * so a portfolio's key never meets another account's. When a channel's key moves from its WABA to its portfolio,
 * `SendLedgerRepository.fold` carries the WABA's last 24 h over.
 */
export function tierLedgerKey(channel: Pick<SendingChannel, 'wabaId' | 'businessPortfolioId'>): string {
  return channel.businessPortfolioId ?? channel.wabaId;
}
