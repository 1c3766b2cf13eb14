import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HeraldError, isUuid } from '@herald/common';
import { newLinkCodes } from './link-code.util';
import { linkBaseUrl, rewriteText, storedDestination, findUrls, withUtm } from './link-text.util';
import { LinkRepository, type NewLinkRow } from './link.repository';
import type { LinkClickEntry, LinkEntry, RunClicks, SendClicks, SendClicksView, SendText, TrackTextOptions } from './links.types';

/** Longest send reference: a uuid (36) or `r:` and a bigint (≤ 21). */
const SEND_REF_MAX = 64;
/** Draws of new codes for links whose code was taken, before giving up (one is already astronomically unlikely). */
const CODE_DRAWS = 5;
/** Most clicks one timeline returns. */
const TIMELINE_MAX = 1_000;

function checkEntry(entry: LinkEntry, i: number): NewLinkRow {
  const at = `entries[${i}]`;
  if (typeof entry.sendRef !== 'string' || entry.sendRef === '' || entry.sendRef.length > SEND_REF_MAX) {
    throw HeraldError.invalid(`${at}.sendRef`, `must be a message id or r:<recipient id> (1-${SEND_REF_MAX} characters)`);
  }
  const runId = entry.runId ?? null;
  if (runId !== null && !isUuid(runId)) throw HeraldError.invalid(`${at}.runId`, 'must be a uuid');
  return { code: '', destination: storedDestination(entry.destination, `${at}.destination`), sendRef: entry.sendRef, runId };
}

/**
 * Tracked links for the code that sends messages: create links for a send's URLs (one statement for thousands),
 * rewrite a text's URLs into them, and read the clicks back per run, per send, or as a send's timeline.
 *
 * Every method is scoped to a workspace: reads only count clicks of the workspace's links, whatever ids are asked.
 */
@Injectable()
export class LinksService {
  constructor(private readonly links: LinkRepository) {}

  /**
   * Creates one link per entry, in one INSERT (more statements only in the astronomically rare case of a code
   * already taken), and returns their codes in the entries' order. Destinations must be absolute http(s) URLs;
   * they are stored as the URL parser serialises them. Pass `manager` to create them inside a transaction.
   */
  async createLinks(workspaceId: string, entries: readonly LinkEntry[], manager?: EntityManager): Promise<string[]> {
    if (!isUuid(workspaceId)) throw HeraldError.invalid('workspaceId', 'must be a uuid');
    const rows = entries.map(checkEntry);
    let missing = rows.map((_, i) => i);
    for (let draw = 0; missing.length > 0; draw++) {
      if (draw === CODE_DRAWS) throw new Error(`could not draw free link codes for ${missing.length} links in ${CODE_DRAWS} tries`);
      const codes = newLinkCodes(missing.length);
      const attempt = missing.map((i, k) => ({ ...rows[i]!, code: codes[k]! }));
      const inserted = await this.links.insertLinks(workspaceId, attempt, manager);
      missing.forEach((i, k) => (rows[i] = attempt[k]!));
      missing = missing.filter((i) => !inserted.has(rows[i]!.code));
    }
    return rows.map((r) => r.code);
  }

  /**
   * `text` with each http(s) URL replaced by a tracked link of this send (`<baseUrl>/l/<code>`), UTM parameters
   * added to the destinations. The same URL twice in the text is one link. A text without URLs is returned as is,
   * without a query.
   */
  async trackText(workspaceId: string, sendRef: string, runId: string | null, text: string, options: TrackTextOptions): Promise<string> {
    const [tracked] = await this.trackTexts(workspaceId, [{ sendRef, runId, text }], options);
    return tracked!;
  }

  /**
   * `trackText` for many sends at once (a chunk of a campaign run): every link of every text in one INSERT. Returns
   * the texts in the given order.
   */
  async trackTexts(workspaceId: string, texts: readonly SendText[], options: TrackTextOptions, manager?: EntityManager): Promise<string[]> {
    const baseUrl = linkBaseUrl(options.baseUrl);
    const entries: LinkEntry[] = [];
    const perText = texts.map(({ sendRef, runId, text }) => {
      const first = new Map<string, number>(); // URL as written → its entry
      for (const url of findUrls(text)) {
        if (first.has(url) || url.startsWith(`${baseUrl}/l/`)) continue;
        first.set(url, entries.length);
        entries.push({ sendRef, runId: runId ?? null, destination: options.utm ? withUtm(url, options.utm) : url });
      }
      return first;
    });
    if (entries.length === 0) return texts.map((t) => t.text);
    const codes = await this.createLinks(workspaceId, entries, manager);
    return texts.map(({ text }, i) => rewriteText(text, (url) => codes[perText[i]!.get(url)!]!, baseUrl));
  }

  /** Per run asked (each one, clicked or not): sends with at least one click, and clicks in all. */
  async clicksFor(workspaceId: string, runIds: readonly string[]): Promise<Map<string, RunClicks>> {
    const out = new Map<string, RunClicks>();
    const valid = runIds.filter(isUuid);
    for (const id of runIds) out.set(id, { clicked: 0, clicks: 0 });
    if (valid.length === 0) return out;
    for (const r of await this.links.runClicks(workspaceId, valid)) out.set(r.runId, { clicked: r.clicked, clicks: r.clicks });
    return out;
  }

  /** Per send asked (each one, clicked or not): when it was first clicked (null: never), and its clicks. */
  async clicksOfSends(workspaceId: string, sendRefs: readonly string[]): Promise<Map<string, SendClicks>> {
    const out = new Map<string, SendClicks>();
    for (const ref of sendRefs) out.set(ref, { firstClickedAt: null, clicks: 0 });
    if (sendRefs.length === 0) return out;
    for (const r of await this.links.sendClicks(workspaceId, sendRefs)) {
      out.set(r.sendRef, { firstClickedAt: r.firstClickedAt, clicks: r.clicks });
    }
    return out;
  }

  /** A send's clicks for its view (`GET /v1/messages/:id`): count, first click and timeline; undefined when none. */
  async sendClicksView(workspaceId: string, sendRef: string): Promise<SendClicksView | undefined> {
    const [clicks, timeline] = await Promise.all([this.clicksOfSends(workspaceId, [sendRef]), this.clickTimeline(workspaceId, sendRef)]);
    const mine = clicks.get(sendRef);
    if (!mine || mine.clicks === 0) return undefined;
    return {
      count: mine.clicks,
      firstClickedAt: mine.firstClickedAt,
      timeline: timeline.map((c) => ({ destination: c.destination, clickedAt: c.clickedAt, userAgent: c.userAgent })),
    };
  }

  /** A send's clicks, oldest first (at most 1,000), each with the link's code and destination and the user agent. */
  clickTimeline(workspaceId: string, sendRef: string): Promise<LinkClickEntry[]> {
    return this.links.timeline(workspaceId, sendRef, TIMELINE_MAX);
  }
}
