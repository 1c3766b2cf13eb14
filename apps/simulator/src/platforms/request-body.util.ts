// Request bodies of the Send API and the Bot API, which both take JSON, an urlencoded form or (Bot API) the query
// string, with nested values (recipient, message, reply_markup) as JSON text in the form variants.

export type Params = Record<string, unknown>;

export type ParsedParams =
  { ok: true; params: Params } | { ok: false; problem: 'tooLarge' | 'badJson' | 'multipart' | 'notObject' };

export function isObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads parameters from the query string and the body (the body wins): a JSON object, or an urlencoded form whose
 * values named in `jsonFields` are parsed as JSON when they look like it (`recipient={"id":"…"}`).
 */
export function readParams(
  raw: Buffer | undefined,
  contentType: string | undefined,
  query: URLSearchParams,
  jsonFields: readonly string[],
): ParsedParams {
  if (raw === undefined) return { ok: false, problem: 'tooLarge' };
  const params: Params = {};
  for (const [key, value] of query) if (key !== 'access_token') params[key] = value;
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/')) return { ok: false, problem: 'multipart' };
  const text = raw.toString('utf8').trim();
  if (text.length > 0) {
    if (type.includes('json') || text.startsWith('{') || text.startsWith('[')) {
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        return { ok: false, problem: 'badJson' };
      }
      if (!isObject(value)) return { ok: false, problem: 'notObject' };
      Object.assign(params, value);
    } else {
      for (const [key, value] of new URLSearchParams(text)) params[key] = value;
    }
  }
  for (const field of jsonFields) {
    const value = params[field];
    if (typeof value !== 'string') continue;
    const trimmed = value.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) continue;
    try {
      params[field] = JSON.parse(trimmed) as unknown;
    } catch {
      // Left as text: the field's own check names it.
    }
  }
  return { ok: true, params };
}

/** UTF-8 length of a string. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A bounded list that keeps the newest `max` items. */
export class RecentList<T> {
  private items: T[] = [];

  constructor(private readonly max: number) {}

  push(item: T): void {
    this.items.push(item);
    // Trimmed in chunks so a long run costs an occasional slice, not a shift per push.
    if (this.items.length > this.max * 2) this.items = this.items.slice(-this.max);
  }

  /** The newest `limit` items, oldest first. */
  last(limit: number): T[] {
    const start = Math.max(0, this.items.length - Math.min(limit, this.max));
    return this.items.slice(start);
  }

  get size(): number {
    return Math.min(this.items.length, this.max);
  }

  clear(): void {
    this.items = [];
  }
}
