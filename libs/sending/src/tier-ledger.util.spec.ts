import { describe, expect, it } from '@jest/globals';
import { tierLedgerKey } from './tier-ledger.util';

describe(tierLedgerKey.name, () => {
  it('is the business portfolio once known, shared by the accounts of one portfolio', () => {
    expect(tierLedgerKey({ wabaId: '102290129340398', businessPortfolioId: '805021500648488' })).toBe('805021500648488');
    expect(tierLedgerKey({ wabaId: '102290129340399', businessPortfolioId: '805021500648488' })).toBe('805021500648488');
  });

  it('falls back to the WABA while the portfolio is not known', () => {
    expect(tierLedgerKey({ wabaId: '102290129340398', businessPortfolioId: null })).toBe('102290129340398');
  });
});
