import { Pool } from 'undici';
import type { ProviderError } from './channel-provider.types';
import { invalidRequestError } from './whatsapp/graph-error.util';

/** A provider's base URL, parsed: its origin (which pool) and its path without trailing slashes. */
export type ProviderBase = { readonly ok: true; readonly origin: string; readonly pathPrefix: string };

/** Base URLs kept parsed: one per provider root in practice (a few in tests), so the bound is only a guard. */
const MAX_BASES = 64;

export interface ProviderPoolOptions {
  /** Upper bound on connections per origin; absent, 0 or null: none (see below). */
  readonly connections?: number | null;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxResponseBytes: number;
}

/**
 * One undici pool per provider origin, whose in-flight capacity follows demand (every adapter: WhatsApp's Cloud API,
 * Meta's Send API, Telegram's Bot API).
 *
 * A number sending at rate R against a provider latency L has R × L requests in flight (Little's law:
 * 1,000 msg/s × 250 ms = 250). Over HTTP/1.1 each needs a connection of its own, so a fixed cap of C
 * connections silently holds every number to C ÷ L (64 ÷ 0.25 s = 256 msg/s), whatever rate it is allowed.
 * So by default the pool has no cap (undici `connections: null`): it opens a connection when every open one is
 * busy. Demand is bounded before it gets here: the rate limiter decides when each send starts and callers
 * await their sends (a campaign job its batch), so in flight stays at about rate × latency, and at most the
 * batches in flight if Meta slows down. PROVIDER_CONNECTIONS can still set an upper bound (e.g. for a file
 * descriptor limit), knowing that it caps each origin at bound ÷ latency.
 *
 * Idle connections are closed after `keepAliveTimeoutMs`, and a server's Keep-Alive hint cannot stretch that
 * (`keepAliveMaxTimeout` is the same), so a burst does not leave hundreds open. undici hands requests to the
 * pool's clients in order, so steady traffic keeps the first few warm and the rest of a burst goes idle.
 * undici takes an HTTP/1.1 connection back one event-loop turn after its answer, so sends started within that
 * turn open new ones: the pool overshoots rate × latency by about rate × one loop turn, a few connections.
 *
 * Not chosen: sizing the pool from the observed rate × latency (it lags a burst or a latency spike by its
 * measuring window, exactly when capacity is needed, for no gain over "open when busy, close when idle");
 * HTTP/1.1 pipelining (one slow answer holds up those behind it); HTTP/2 (`allowH2`), although Graph offers
 * it. HTTP/2 would only save sockets and handshakes, and in undici it does not enforce `maxResponseSize`, its
 * GOAWAY handling is marked unverified (a GOAWAY could fail up to ~100 sends at once, each then in doubt), and
 * it needs TLS, so the HTTP/1.1 simulator and every benchmark would measure another protocol than production.
 * Also tried and measured (2026-12-03, docs/BENCHMARKS.md, provider latency): keeping about 1.2 × the observed
 * rate × latency connections open ahead of demand (a custom connector handing pre-opened sockets to the pool),
 * so no send waits for a connect. It took the connects out of the sends' path (connects opened on demand in a
 * 20,000 run at 1,000 msg/s: about 800 → 90–120) for half as many sockets again, but neither achieved ÷
 * limit nor the throttle refusals improved (lower in 8 of 12 paired rows; 20 refusals against 29): the sends
 * that leave late are held up by a busy event loop (stalls of 10–100 ms on the benchmark's 2 shared cores),
 * which connections opened ahead do not change.
 */
export class ProviderPools {
  private readonly pools = new Map<string, Pool>();
  private readonly bases = new Map<string, ProviderBase>();
  private readonly maxConnections: number | null;

  constructor(private readonly options: ProviderPoolOptions) {
    const connections = options.connections;
    this.maxConnections = typeof connections === 'number' && Number.isSafeInteger(connections) && connections > 0 ? connections : null;
  }

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.maxConnections,
        pipelining: 1,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        keepAliveMaxTimeout: this.options.keepAliveTimeoutMs,
        connectTimeout: Math.min(this.options.connectTimeoutMs, this.options.requestTimeoutMs),
        headersTimeout: this.options.requestTimeoutMs,
        bodyTimeout: this.options.requestTimeoutMs,
        maxResponseSize: this.options.maxResponseBytes,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * A channel's base URL (Graph root, Bot API root) as an origin for `get` and a path prefix, or a refusal coded
   * `errorCode` when it is not an http(s) URL. Parsed once per URL, not on every call: it is the same for every send
   * of a channel (the worker's profile showed `new URL` and its regex on each send).
   */
  base(url: string, errorCode: string): ProviderBase | { readonly ok: false; readonly error: ProviderError } {
    const known = this.bases.get(url);
    if (known !== undefined) return known;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { ok: false, error: invalidRequestError(errorCode, `"${url}" is not a URL.`) };
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      return { ok: false, error: invalidRequestError(errorCode, `"${url}" is not an http(s) URL.`) };
    }
    const base: ProviderBase = { ok: true, origin: parsed.origin, pathPrefix: parsed.pathname.replace(/\/+$/, '') };
    if (this.bases.size >= MAX_BASES) this.bases.clear();
    this.bases.set(url, base);
    return base;
  }

  /** Closes idle connections; pending requests finish first. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
