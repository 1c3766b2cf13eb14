import { describe, expect, it } from '@jest/globals';
import { fitInbound } from './inbound-limits.util';
import type { InboundMessage } from './whatsapp/whatsapp.types';

const message: InboundMessage = { providerMessageId: 'm_1', from: '7100000000000001', timestamp: new Date(0), type: 'text', phoneNumberId: '2', text: 'hi' };

describe('fitInbound', () => {
  it('keeps a message whose ids are as long as the tables take, as it is', () => {
    const long = { ...message, providerMessageId: 'm'.repeat(256), from: 'u'.repeat(64), contextMessageId: 'c'.repeat(256) };
    expect(fitInbound(long)).toEqual({ message: long });
  });

  it('skips a message whose own ids are longer than any provider sends, naming the id', () => {
    expect(fitInbound({ ...message, providerMessageId: 'm'.repeat(257) })).toEqual({ problem: 'its id is longer than 256 characters' });
    expect(fitInbound({ ...message, from: 'u'.repeat(65) })).toEqual({ problem: "its sender's id is longer than 64 characters" });
    expect(fitInbound({ ...message, type: 't'.repeat(33) })).toEqual({ problem: 'its type is longer than 32 characters' });
    expect(fitInbound({ ...message, type: 'reaction', reaction: { messageId: 'r'.repeat(5_000), emoji: '👍' } }).message).toBeUndefined();
  });

  it('keeps the words of a reply whose reply link is too long, without the link', () => {
    const fitted = fitInbound({ ...message, contextMessageId: 'c'.repeat(300) });
    expect(fitted.message).toEqual(message);
    expect(fitted.problem).toContain('kept without it');
  });
});
