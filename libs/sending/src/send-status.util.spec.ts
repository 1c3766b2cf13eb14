import { describe, expect, it } from '@jest/globals';
import { advance, MESSAGE_STATUSES, rankSql } from './send-status.util';

describe('advance', () => {
  it('moves forward through the life of a message', () => {
    let s = advance('queued', 'sending');
    s = advance(s, 'accepted');
    s = advance(s, 'sent');
    s = advance(s, 'delivered');
    expect(advance(s, 'read')).toBe('read');
  });

  it('never moves back on a duplicate or late status', () => {
    expect(advance('read', 'delivered')).toBe('read');
    expect(advance('delivered', 'sent')).toBe('delivered');
    expect(advance('sent', 'accepted')).toBe('sent');
    expect(advance('read', 'read')).toBe('read');
  });

  it('lets failed end a message that was not delivered, and not one that was', () => {
    expect(advance('sent', 'failed')).toBe('failed');
    expect(advance('accepted', 'failed')).toBe('failed');
    expect(advance('delivered', 'failed')).toBe('delivered');
    expect(advance('read', 'failed')).toBe('read');
    expect(advance('failed', 'sent')).toBe('failed');
  });

  it('ranks in SQL in the same order', () => {
    expect(rankSql('m.status')).toBe(`array_position(ARRAY[${MESSAGE_STATUSES.map((s) => `'${s}'`).join(',')}]::text[], m.status::text)`);
  });
});

describe('held', () => {
  it('sits between accepted and sent: the next provider status moves it on', () => {
    expect(advance('accepted', 'held')).toBe('held');
    expect(advance('held', 'sent')).toBe('sent');
    expect(advance('held', 'failed')).toBe('failed');
    expect(advance('sent', 'held')).toBe('sent');
  });
});
