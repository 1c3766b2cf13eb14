import { describe, expect, it } from '@jest/globals';
import { isLinkPreviewFetch, storedUserAgent, USER_AGENT_MAX } from './link-click.util';

describe(isLinkPreviewFetch.name, () => {
  it("recognises Meta's and WhatsApp's preview fetchers", () => {
    for (const ua of ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'Facebot', 'WhatsApp/2.23.20.0 A']) {
      expect(isLinkPreviewFetch(ua)).toBe(true);
    }
  });

  it('counts browsers, including in-app ones that mention WhatsApp later in the string', () => {
    for (const ua of [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36 WhatsApp/2.24',
      'undici',
    ]) {
      expect(isLinkPreviewFetch(ua)).toBe(false);
    }
    expect(isLinkPreviewFetch(undefined)).toBe(false);
  });
});

describe(storedUserAgent.name, () => {
  it('keeps a user agent as sent, cut to 512 characters, without NUL', () => {
    expect(storedUserAgent('Mozilla/5.0')).toBe('Mozilla/5.0');
    expect(storedUserAgent('x'.repeat(2_000))).toHaveLength(USER_AGENT_MAX);
    expect(storedUserAgent('a\u0000b')).toBe('ab');
  });

  it('stores nothing for a missing or empty one', () => {
    expect(storedUserAgent(undefined)).toBeNull();
    expect(storedUserAgent('')).toBeNull();
  });
});
