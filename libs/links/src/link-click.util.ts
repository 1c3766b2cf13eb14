/** Longest user agent kept with a click; browsers send 100–300 characters, anything longer is cut. */
export const USER_AGENT_MAX = 512;

/**
 * Fetchers that read a link to draw its preview, not a person clicking it: Meta's crawler (WhatsApp and Facebook
 * previews, `facebookexternalhit`, `Facebot`) and WhatsApp's own client fetcher (`WhatsApp/2.x`). They are
 * redirected like anyone, but not counted as clicks. A person who taps a link in WhatsApp opens it in a browser,
 * whose user agent is the browser's.
 */
const PREVIEW_FETCHER = /^(?:facebookexternalhit\/|facebot\b|whatsapp\/)/i;

export function isLinkPreviewFetch(userAgent: string | undefined): boolean {
  return userAgent !== undefined && PREVIEW_FETCHER.test(userAgent);
}

/**
 * The user agent as stored: at most USER_AGENT_MAX characters, null when absent or empty, without NUL (no text
 * column of Postgres can hold one, and one bad value would fail its whole batch).
 */
export function storedUserAgent(userAgent: string | undefined): string | null {
  if (userAgent === undefined || userAgent === '') return null;
  const cut = userAgent.length > USER_AGENT_MAX ? userAgent.slice(0, USER_AGENT_MAX) : userAgent;
  return cut.includes('\u0000') ? cut.replaceAll('\u0000', '') : cut;
}
