import { describe, expect, it } from '@jest/globals';
import { SENDER, statusEvent } from './callback-format.fixtures';
import { channelIdOf, parseEnvelope, renderDelivery, vendorSignatureHeaders } from './callback-format.render';

const STORED = JSON.stringify(statusEvent());

describe('renderDelivery', () => {
  it('posts the herald envelope exactly as stored', () => {
    expect(renderDelivery('herald', STORED, null, null)).toEqual({ body: STORED });
  });

  it('renders a vendor format from the parsed envelope, and skips an unreadable one', () => {
    const envelope = parseEnvelope(STORED);
    expect(channelIdOf(envelope)).toBe('5d1c6f3a-7b2e-4c1d-8e9f-0a1b2c3d4e5f');
    for (const format of ['cloud-api', 'engagelab', 'bird'] as const) expect(renderDelivery(format, STORED, envelope, SENDER)).toHaveProperty('body');
    expect(parseEnvelope('not json')).toBeNull();
    expect(renderDelivery('bird', 'not json', null, SENDER)).toHaveProperty('skip');
  });
});

describe('vendorSignatureHeaders', () => {
  const input = { secret: 'whsec_k', timestamp: 1796322011, url: 'https://hooks.example.com/x', body: '{}' };
  it("adds the vendor's headers: X-Hub-Signature-256 (cloud-api), messagebird-* (bird), none otherwise", () => {
    expect(Object.keys(vendorSignatureHeaders('cloud-api', input))).toEqual(['x-hub-signature-256']);
    expect(vendorSignatureHeaders('bird', input)).toEqual({
      'messagebird-signature': expect.any(String),
      'messagebird-request-timestamp': '1796322011',
    });
    expect(vendorSignatureHeaders('engagelab', input)).toEqual({});
    expect(vendorSignatureHeaders('herald', input)).toEqual({});
  });
});
