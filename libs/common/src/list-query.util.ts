import { HeraldError } from './herald.error';

/** How a list route reads its query string: each value checked once, each problem a 400 naming the field. */
export interface ListQuery {
  /** A single non-empty value, or undefined when absent. */
  text(key: string): string | undefined;
  /** `limit`: a whole number from 1 to `max`; `fallback` when absent. */
  limit(fallback: number, max: number): number;
  /** An ISO-8601 time or unix seconds, or undefined when absent. */
  time(key: string): Date | undefined;
}

export function listQuery(query: Record<string, unknown>): ListQuery {
  const text = (key: string): string | undefined => {
    const v = query[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '' || v.length > 512) throw HeraldError.invalid(key, 'must be a single non-empty value');
    return v;
  };
  return {
    text,
    limit(fallback, max) {
      const raw = text('limit');
      const limit = raw === undefined ? fallback : Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > max) throw HeraldError.invalid('limit', `must be a whole number from 1 to ${max}`);
      return limit;
    },
    time(key) {
      const v = text(key);
      if (v === undefined) return undefined;
      const at = /^\d{1,12}$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
      if (Number.isNaN(at.getTime())) throw HeraldError.invalid(key, 'must be an ISO-8601 time or unix seconds');
      return at;
    },
  };
}
