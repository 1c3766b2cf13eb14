import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { components } from './schema';

/**
 * Live progress of runs and blasts: `GET /v1/campaigns/{id}/runs/{runId}/events` and `GET /v1/blasts/{id}/events`,
 * Server-Sent Events read over fetch (a browser's EventSource cannot send the API key header).
 */

type Schemas = components['schemas'];

/** One event's data: a run's figures at `at` (times are ISO 8601 strings); `final` marks the last one. */
export type RunProgress = Schemas['RunProgressDto'];
export type RunProgressStatus = RunProgress['status'];
/** Recipients by current status. */
export type RunProgressCounts = Schemas['RunCountsDto'];
/** The run's results, as `GET /v1/campaigns/{id}/results?runId=` gives them (clicks aside). */
export type RunProgressResults = Schemas['RunProgressResultsDto'];

export interface RunEventsOptions {
  /** Where the API listens, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** A workspace API key (`hrld_…`); sent as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  /** A fetch of your own (tests, proxies); the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  /** Stops following: the iterator finishes and the connection closes. */
  readonly signal?: AbortSignal;
  /**
   * Times to connect again when the connection drops before the run ends (default 8: 1, 2, 4, then 8 s apart — about
   * 50 s in all, through an API restart). A refusal (4xx but 429) is final at once.
   */
  readonly reconnects?: number;
  /** The first wait before connecting again, doubled each time up to 8× (default 1 s). */
  readonly reconnectDelayMs?: number;
  /** A connection silent this long (no event, no heartbeat) is taken for dead and opened again (default 45 s). */
  readonly idleTimeoutMs?: number;
}

/** The API refused the stream (401 bad key, 404 no such run in the workspace…), or it dropped for good. */
export class RunEventsError extends Error {
  constructor(
    message: string,
    /** The HTTP status; 0 when the connection failed or dropped. */
    readonly status: number,
    /** The API's error code (`run_not_found`, `api_key_invalid`…), when it gave one. */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'RunEventsError';
  }
}

/**
 * A run's figures as they change, until it ends: `for await (const p of watchRun(o, { campaignId, runId })) …`. Without
 * campaignId, the run is found by its id alone (a campaign's or a blast's run).
 */
export function watchRun(
  options: RunEventsOptions,
  run: { campaignId?: string; runId: string },
): AsyncGenerator<RunProgress, void, undefined> {
  const runId = encodeURIComponent(run.runId);
  return follow(
    options,
    run.campaignId === undefined
      ? `/v1/runs/${runId}/events`
      : `/v1/campaigns/${encodeURIComponent(run.campaignId)}/runs/${runId}/events`,
  );
}

/** A blast's figures as they change, until it ends. */
export function watchBlast(options: RunEventsOptions, blastId: string): AsyncGenerator<RunProgress, void, undefined> {
  return follow(options, `/v1/blasts/${encodeURIComponent(blastId)}/events`);
}

/** The first wait before connecting again; it doubles up to 8 times as long (an API restart takes seconds). */
const RECONNECT_DELAY_MS = 1_000;
const RECONNECT_MAX_FACTOR = 8;
/**
 * The server writes at least a heartbeat comment every 15 s. A connection silent for longer than this is dead though
 * TCP has not said so (a NAT or load balancer dropped it, a laptop slept): it is closed and opened again.
 */
export const RUN_EVENTS_IDLE_TIMEOUT_MS = 45_000;

async function* follow(options: RunEventsOptions, path: string): AsyncGenerator<RunProgress, void, undefined> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  const reconnects = options.reconnects ?? 8;
  let left = reconnects;
  const firstDelay = options.reconnectDelayMs ?? RECONNECT_DELAY_MS;
  let delay = firstDelay;
  for (;;) {
    if (options.signal?.aborted) return;
    let failure: RunEventsError;
    try {
      // Each connection starts with the figures now: nothing is missed across a reconnect.
      for await (const progress of connect(options, url)) {
        left = reconnects;
        delay = firstDelay;
        yield progress;
        if (progress.final) return;
      }
      failure = new RunEventsError('The event stream closed before the run ended.', 0);
    } catch (error) {
      // Refused (bad key, no such run): asking again changes nothing. A dropped connection or a 5xx is worth a retry.
      // A 429 is the exception: asked to slow down, it waits and asks again.
      if (error instanceof RunEventsError && error.status >= 400 && error.status < 500 && error.status !== 429) throw error;
      failure = error instanceof RunEventsError ? error : new RunEventsError(`Could not read ${url}: ${reasonOf(error)}.`, 0);
    }
    if (options.signal?.aborted) return;
    if (left-- <= 0) throw failure;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, firstDelay * RECONNECT_MAX_FACTOR);
  }
}

/** One connection: its `progress` and `end` events until the server closes it; the connection closes with the iterator. */
async function* connect(options: RunEventsOptions, url: string): AsyncGenerator<RunProgress, void, undefined> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const idleMs = options.idleTimeoutMs ?? RUN_EVENTS_IDLE_TIMEOUT_MS;
  let idle: ReturnType<typeof setTimeout> | undefined;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      headers: { authorization: `Bearer ${options.apiKey}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (!response.ok || !response.body) throw await refusal(response);
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      // Cancelling the reader ends a read that the abort alone would not (a fetch that ignores its signal).
      idle = setTimeout(() => (stop(), void reader.cancel().catch(() => undefined)), idleMs);
      const { value, done } = await reader.read();
      clearTimeout(idle);
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      for (let e = events.shift(); e; e = events.shift()) {
        if (e.event === 'progress' || e.event === 'end') yield JSON.parse(e.data) as RunProgress;
      }
    }
  } finally {
    clearTimeout(idle);
    options.signal?.removeEventListener('abort', stop);
    abort.abort();
  }
}

/** fetch says "fetch failed"; its cause says why (ECONNREFUSED, a DNS failure…). */
function reasonOf(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message ?? 'failed'} (${cause})` : (e.message ?? String(error));
}

async function refusal(response: Response): Promise<RunEventsError> {
  const text = await response.text().catch(() => '');
  let body: { error?: { code?: unknown; message?: unknown } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: the status says it
  }
  const message = typeof body.error?.message === 'string' ? body.error.message : `The API answered ${response.status}.`;
  return new RunEventsError(message, response.status, typeof body.error?.code === 'string' ? body.error.code : null);
}
