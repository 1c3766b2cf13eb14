import { HeraldError } from '@herald/common';
import type { UtmParams } from './links.types';
import { linkUrl } from './link-code.util';

/**
 * An http(s) URL in free text: the scheme, then anything up to white space or a character that cannot stand in a
 * URL unescaped and usually delimits one in prose (`< > " '` and the backtick). What the match ends with is trimmed
 * afterwards (`trimUrlEnd`).
 */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence or a WhatsApp format (`*bold*`, `~strike~`) rather than a URL. */
const TRAILING = new Set([...'.,!?;:*~', ...'。，！？；：、…']);
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Longest destination a link may have. */
export const DESTINATION_MAX = 4_096;

const count = (text: string, ch: string): number => text.split(ch).length - 1;

/**
 * A match without what ends the sentence around it: trailing punctuation, and a closing bracket the URL did not open
 * (`(see https://x.test/a)` ends at `a`, `https://en.wikipedia.org/wiki/Go_(game)` keeps its `)`).
 */
function trimUrlEnd(match: string): string {
  let url = match;
  for (;;) {
    const last = url.at(-1)!;
    if (TRAILING.has(last)) url = url.slice(0, -1);
    else if (last in CLOSERS && count(url, last) > count(url, CLOSERS[last]!)) url = url.slice(0, -1);
    else return url;
  }
}

interface UrlSpan {
  readonly url: string;
  readonly start: number;
  readonly end: number;
}

function urlSpans(text: string): UrlSpan[] {
  const spans: UrlSpan[] = [];
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = trimUrlEnd(m[0]);
    // A scheme and nothing else (`https://` then punctuation) is not a link.
    if (/^https?:\/\/[^/?#]/i.test(url)) spans.push({ url, start: m.index, end: m.index + url.length });
  }
  return spans;
}

/** The http and https URLs in `text`, in order, as written (repeats included); sentence punctuation left out. */
export function findUrls(text: string): string[] {
  return urlSpans(text).map((s) => s.url);
}

const UTM_KEYS = ['source', 'medium', 'campaign', 'content', 'term'] as const;

/**
 * `url` with `utm_<name>=<value>` added for each parameter given (not empty), before its fragment. The rest of the
 * URL is kept byte for byte, its own parameters included; a `utm_*` parameter the URL already has is kept and not
 * overridden (the author of the link chose it). Values are percent-encoded.
 */
export function withUtm(url: string, utm: UtmParams): string {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash);
  const q = beforeHash.indexOf('?');
  const query = q < 0 ? '' : beforeHash.slice(q + 1);
  const present = new URLSearchParams(query);
  const added: string[] = [];
  for (const key of UTM_KEYS) {
    const value = utm[key];
    if (value === undefined || value === '' || present.has(`utm_${key}`)) continue;
    added.push(`utm_${key}=${encodeURIComponent(value)}`);
  }
  if (added.length === 0) return url;
  const joiner = q < 0 ? '?' : query === '' || query.endsWith('&') ? '' : '&';
  return `${beforeHash}${joiner}${added.join('&')}${fragment}`;
}

/**
 * Each URL of `text` replaced by `<baseUrl>/l/<code>`, the code given by `codeFor(url)`. URLs that already are
 * tracked links of `baseUrl` are left as they are.
 */
export function rewriteText(text: string, codeFor: (url: string) => string, baseUrl: string): string {
  const own = linkUrl(baseUrl, '');
  let out = '';
  let at = 0;
  for (const span of urlSpans(text)) {
    if (span.url.startsWith(own)) continue;
    out += text.slice(at, span.start) + linkUrl(baseUrl, codeFor(span.url));
    at = span.end;
  }
  return at === 0 ? text : out + text.slice(at);
}

/**
 * A destination as stored: an absolute http(s) URL, serialised by the WHATWG URL parser (host in punycode, other
 * non-ASCII percent-encoded, tabs and newlines removed), so it is always a valid Location header. Anything else is
 * refused: a tracked link never redirects to another scheme.
 */
export function storedDestination(destination: string, field = 'destination'): string {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    throw HeraldError.invalid(field, 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw HeraldError.invalid(field, 'must be an http or https URL');
  if (url.href.length > DESTINATION_MAX) throw HeraldError.invalid(field, `must be at most ${DESTINATION_MAX} characters`);
  return url.href;
}

/** The API's public origin as links use it: an absolute http(s) URL, without a trailing `/`. */
export function linkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw HeraldError.invalid('baseUrl', 'must be an absolute http or https URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw HeraldError.invalid('baseUrl', 'must be an http or https URL without query or fragment');
  }
  return url.href.replace(/\/+$/, '');
}
