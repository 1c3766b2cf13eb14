import { describe, expect, it } from '@jest/globals';
import { inboundProblem } from './inbound-limits.util';
import type { InboundMessage } from './whatsapp/whatsapp.types';

const message: InboundMessage = { providerMessageId: 'm_1', from: '7100000000000001', timestamp: new Date(0), type: 'text', phoneNumberId: '2', text: 'hi' };

describe('inboundProblem', () => {
  it('keeps a message whose ids are as long as the tables take', () => {
    expect(inboundProblem({ ...message, providerMessageId: 'm'.repeat(256), from: 'u'.repeat(64), contextMessageId: 'c'.repeat(256) })).toBeUndefined();
  });

  it('names the id that is longer than any provider sends', () => {
    expect(inboundProblem({ ...message, providerMessageId: 'm'.repeat(257) })).toBe('its id is longer than 256 characters');
    expect(inboundProblem({ ...message, from: 'u'.repeat(65) })).toBe("its sender's id is longer than 64 characters");
    expect(inboundProblem({ ...message, type: 't'.repeat(33) })).toBe('its type is longer than 32 characters');
    expect(inboundProblem({ ...message, contextMessageId: 'c'.repeat(300) })).toContain('answers or reacts to');
    expect(inboundProblem({ ...message, type: 'reaction', reaction: { messageId: 'r'.repeat(5_000), emoji: '👍' } })).toContain('answers or reacts to');
  });
});
