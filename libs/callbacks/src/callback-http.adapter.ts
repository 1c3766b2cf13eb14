import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Agent } from 'undici';
import { CallbackUrls } from './callback-urls.service';

/** One attempt's timeout: connect, answer and body together. */
export const CALLBACK_TIMEOUT_MS = 10_000;
/** How much of a response body is kept for the delivery log. */
export const RESPONSE_KEEP_BYTES = 1_024;
/** How much of a response body is read (and dropped) so the connection can be reused; beyond it the socket is closed. */
const RESPONSE_READ_MAX = 64 * 1024;

export interface PostAnswer {
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly response: string | null;
}

/**
 * Posts callbacks over undici (a dependency already, and what Node's fetch runs on): one keep-alive pool per origin,
 * an explicit per-request timeout, and a socket `lookup` that connects only to addresses the SSRF guard passed — the
 * address checked is the one connected to (no DNS rebinding between check and connect). Never follows redirects.
 */
@Injectable()
export class CallbackHttp implements OnModuleDestroy {
  private readonly agent: Agent;

  constructor(private readonly urls: CallbackUrls) {
    this.agent = new Agent({
      connections: 64,
      // No HTTP pipelining: tried (8 per connection) it saved no CPU on the benchmark, and one slow answer would hold
      // up the requests queued behind it on the connection.
      keepAliveTimeout: 30_000,
      headersTimeout: CALLBACK_TIMEOUT_MS,
      bodyTimeout: CALLBACK_TIMEOUT_MS,
      connect: { timeout: CALLBACK_TIMEOUT_MS, lookup: urls.connectLookup() },
    });
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<PostAnswer> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    let parsed: URL;
    try {
      parsed = this.urls.parse(url);
    } catch (error) {
      return { statusCode: null, latencyMs: 0, error: (error as Error).message, response: null };
    }
    const refusal = this.urls.literalRefusal(parsed);
    if (refusal) return { statusCode: null, latencyMs: 0, error: refusal, response: null };
    try {
      // No AbortSignal per request (a timer and a signal each, measurable at thousands a second): the agent's connect,
      // headers and body timeouts (10 s each) bound an attempt instead.
      const res = await this.agent.request({
        origin: parsed.origin,
        path: `${parsed.pathname}${parsed.search}`,
        method: 'POST',
        headers,
        body,
      });
      const text = await readCapped(res.body);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return { statusCode: res.statusCode, latencyMs: latency(), error: ok ? null : `HTTP ${res.statusCode}`, response: text };
    } catch (error) {
      const e = error as Error & { code?: string; cause?: { message?: string; code?: string } };
      const timeout = e.name === 'TimeoutError' || /timeout/i.test(e.code ?? '');
      const why = timeout ? `timeout after ${CALLBACK_TIMEOUT_MS / 1000} s` : (e.cause?.message ?? e.message ?? String(error));
      return {
        statusCode: null,
        latencyMs: latency(),
        error: `${e.code ? `${e.code}: ` : ''}${why}`.slice(0, 500),
        response: null,
      };
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * The first RESPONSE_KEEP_BYTES of a body as text (null when empty), reading the rest and dropping it so the
 * connection is reused; a body over RESPONSE_READ_MAX is cut off (its socket closed). Events, not `for await`: cheaper
 * for the tiny answers receivers give.
 */
function readCapped(body: NodeJS.ReadableStream & { destroy(): void }): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let read = 0;
    const done = (): void =>
      resolve(kept.length === 0 ? null : Buffer.concat(kept).toString('utf8').replaceAll('\u0000', '\uFFFD'));
    body.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (keptBytes < RESPONSE_KEEP_BYTES) {
        const part = chunk.subarray(0, RESPONSE_KEEP_BYTES - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      if (read > RESPONSE_READ_MAX) {
        body.removeAllListeners('data');
        body.destroy();
        done();
      }
    });
    body.once('end', done);
    body.once('error', reject);
  });
}
