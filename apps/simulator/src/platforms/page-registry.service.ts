// The Messenger Pages and Instagram accounts the simulator answers for (PUT /_sim/pages/:id), and what each has
// lived through: the users who wrote to it (their 24-hour windows), who blocked it, its throughput windows, the
// sends it accepted and its counters.
import { isValidObjectId } from '../phone-number.util';
import { ThroughputWindow } from '../throughput-window.util';
import { isHttpUrl, isObject, RecentList } from './request-body.util';

export type PagePlatform = 'messenger' | 'instagram';

export interface PageRegistration {
  /** The Page id (Messenger) or the Instagram professional account id (Instagram). */
  pageId: string;
  platform: PagePlatform;
  /** The Bearer token (or `access_token` parameter) a call must carry. */
  accessToken: string;
  /** Signs every webhook POST (X-Hub-Signature-256). */
  appSecret: string;
  name: string;
  /** Instagram's @username; Messenger Pages may have one too. */
  username: string | null;
  /** Where the page's webhooks go; none means no webhooks. */
  webhookUrl: string | null;
  /** Send API calls per second the page may make (Meta: 300 for text and links). */
  messagesPerSecond: number;
}

export const DEFAULT_PAGE_MESSAGES_PER_SECOND = 300;
/** Sends kept per page for GET /_sim/pages/:id/messages. */
export const MAX_KEPT_SENDS = 1000;

export interface PageUser {
  /** When the user last wrote (ms); opens the 24-hour window, and HUMAN_AGENT's 7 days. */
  lastInboundAt: number;
  blocked: boolean;
  /** Messenger's cumulative watermarks (ms) of the events sent so far. */
  deliveredWatermark: number;
  readWatermark: number;
}

export interface KeptSend {
  mid: string;
  recipientId: string;
  at: string;
  body: unknown;
}

export interface PageCounters {
  accepted: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  inbound: number;
  deliveries: number;
  reads: number;
}

export class PageState {
  readonly users = new Map<string, PageUser>();
  readonly sends = new RecentList<KeptSend>(MAX_KEPT_SENDS);
  counters: PageCounters = emptyCounters();
  private window: ThroughputWindow | undefined;
  private avWindow: ThroughputWindow | undefined;

  /** The sliding second of all sends, made anew when the limit changed. */
  windowOf(limit: number): ThroughputWindow {
    if (!this.window || this.window.limit !== limit) this.window = new ThroughputWindow(limit);
    return this.window;
  }

  audioVideoWindowOf(limit: number): ThroughputWindow {
    if (!this.avWindow || this.avWindow.limit !== limit) this.avWindow = new ThroughputWindow(limit);
    return this.avWindow;
  }

  user(id: string): PageUser | undefined {
    return this.users.get(id);
  }

  /** The user wrote at `at`: known from now on, window (re)opened. */
  touch(id: string, at: number): PageUser {
    let user = this.users.get(id);
    if (!user) {
      user = { lastInboundAt: at, blocked: false, deliveredWatermark: 0, readWatermark: 0 };
      this.users.set(id, user);
    } else user.lastInboundAt = at;
    return user;
  }

  rejected(code: number): void {
    this.counters.rejected += 1;
    this.counters.rejectedByCode[String(code)] = (this.counters.rejectedByCode[String(code)] ?? 0) + 1;
  }

  view(): Record<string, unknown> {
    return {
      ...this.counters,
      users: this.users.size,
      blocked: [...this.users].filter(([, user]) => user.blocked).map(([id]) => id),
    };
  }
}

function emptyCounters(): PageCounters {
  return { accepted: 0, rejected: 0, rejectedByCode: {}, inbound: 0, deliveries: 0, reads: 0 };
}

export class PageRegistry {
  private readonly pages = new Map<string, PageRegistration>();
  private readonly states = new Map<string, PageState>();

  upsert(page: PageRegistration): 'created' | 'updated' {
    const existed = this.pages.has(page.pageId);
    this.pages.set(page.pageId, page);
    return existed ? 'updated' : 'created';
  }

  get(pageId: string): PageRegistration | undefined {
    return this.pages.get(pageId);
  }

  has(pageId: string): boolean {
    return this.pages.has(pageId);
  }

  /** The page whose token is `token` (for `/me/...`). */
  withToken(token: string): PageRegistration | undefined {
    for (const page of this.pages.values()) if (page.accessToken === token) return page;
    return undefined;
  }

  list(): PageRegistration[] {
    return [...this.pages.values()];
  }

  delete(pageId: string): boolean {
    this.states.delete(pageId);
    return this.pages.delete(pageId);
  }

  state(pageId: string): PageState {
    let state = this.states.get(pageId);
    if (!state) {
      state = new PageState();
      this.states.set(pageId, state);
    }
    return state;
  }

  /** Forgets what the pages lived through (users, windows, blocks, sends, counters); with `all`, the pages too. */
  reset(all: boolean): void {
    this.states.clear();
    if (all) this.pages.clear();
  }
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Checks a PUT /_sim/pages/:id body. */
export function parsePageRegistration(pageId: string, value: unknown): Parsed<PageRegistration> {
  const problems: string[] = [];
  if (!isValidObjectId(pageId)) problems.push('the page id must be 1–64 letters, digits, "_" or "-"');
  if (!isObject(value)) return { ok: false, problems: [...problems, 'the body must be a JSON object'] };
  const known = ['platform', 'accessToken', 'appSecret', 'name', 'username', 'webhookUrl', 'messagesPerSecond'];
  for (const key of Object.keys(value)) if (!known.includes(key)) problems.push(`${key}: unknown field (${known.join(', ')})`);
  const { platform, accessToken, appSecret, name, username, webhookUrl, messagesPerSecond } = value;
  if (platform !== 'messenger' && platform !== 'instagram') problems.push('platform: must be "messenger" or "instagram"');
  const text = (field: string, v: unknown, max: number) => {
    if (typeof v !== 'string' || v.trim().length === 0 || v.length > max)
      problems.push(`${field}: must be a non-empty string of at most ${max} characters`);
  };
  text('accessToken', accessToken, 2048);
  text('appSecret', appSecret, 512);
  if (name !== undefined) text('name', name, 200);
  if (username !== undefined && username !== null && (typeof username !== 'string' || !/^[A-Za-z0-9._]{1,64}$/.test(username))) {
    problems.push('username: must be 1–64 letters, digits, "." or "_"');
  }
  if (webhookUrl !== undefined && webhookUrl !== null && !isHttpUrl(webhookUrl))
    problems.push('webhookUrl: must be an http(s) URL or null');
  if (
    messagesPerSecond !== undefined &&
    (typeof messagesPerSecond !== 'number' ||
      !Number.isInteger(messagesPerSecond) ||
      messagesPerSecond < 1 ||
      messagesPerSecond > 1_000_000)
  ) {
    problems.push('messagesPerSecond: must be a whole number from 1 to 1000000');
  }
  if (problems.length > 0) return { ok: false, problems };
  const kind = platform as PagePlatform;
  return {
    ok: true,
    value: {
      pageId,
      platform: kind,
      accessToken: accessToken as string,
      appSecret: appSecret as string,
      name: (name as string | undefined) ?? (kind === 'messenger' ? `Page ${pageId}` : `Instagram account ${pageId}`),
      username: (username as string | null | undefined) ?? (kind === 'instagram' ? `herald_ig_${pageId}` : null),
      webhookUrl: (webhookUrl as string | null | undefined) ?? null,
      messagesPerSecond: (messagesPerSecond as number | undefined) ?? DEFAULT_PAGE_MESSAGES_PER_SECOND,
    },
  };
}
