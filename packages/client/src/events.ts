import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Live progress of runs and blasts: `GET /v1/campaigns/{id}/runs/{runId}/events` and `GET /v1/blasts/{id}/events`,
 * Server-Sent Events read over fetch (a browser's EventSource cannot send the API key header).
 */

export type RunProgressStatus =
  'scheduled' | 'waiting_for_template' | 'running' | 'paused' | 'completed' | 'cancelled' | 'failed';

/** Recipients by current status. */
export interface RunProgressCounts {
  queued: number;
  sending: number;
  accepted: number;
  /** Accepted, then held by Meta for a quality assessment. */
  held: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** Not sent within the run's validity. */
  expired: number;
}

/** The run's results, as `GET /v1/campaigns/{id}/results?runId=` gives them (clicks aside). */
export interface RunProgressResults {
  sent: number;
  delivered: number;
  read: number;
  sendErrors: number;
  deliveryErrors: number;
  numbersNotOnWhatsApp: number;
  skipped: number;
  held: number;
  expired: number;
  deliveryRate: number;
  readRate: number;
  billable: { total: number; byCategory: Record<string, number> };
}

/** One event's data: a run's figures at `at`. Times are ISO 8601 strings. */
export interface RunProgress {
  runId: string;
  /** The run's campaign; null for a blast. */
  campaignId: string | null;
  /** The blast the run is; null for a campaign run. */
  blastId: string | null;
  status: RunProgressStatus;
  /** The run ended (completed, cancelled, failed): the last figures; the iterator finishes after them. */
  final: boolean;
  recipients: number | null;
  counts: RunProgressCounts;
  /** 0..1: recipients no longer waiting or in flight. */
  progress: number;
  /** Sends per second over the last ~5 s; once ended, the average over the run. */
  rate: number | null;
  eta: string | null;
  /** Why the run is not sending now (sending_window, quiet_hours, messaging_tier, channel_paused, template_pending…). */
  waiting: { reason: string; until: string | null } | null;
  results: RunProgressResults;
  failureReason: string | null;
  startedAt: string | null;
  completedAt: string | null;
  at: string;
}

export interface RunEventsOptions {
  /** Where the API listens, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** A workspace API key (`hrld_…`); sent as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  /** A fetch of your own (tests, proxies); the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  /** Stops following: the iterator finishes and the connection closes. */
  readonly signal?: AbortSignal;
  /** Times to connect again, a second apart, when the connection drops before the run ends (default 5). */
  readonly reconnects?: number;
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

const RECONNECT_DELAY_MS = 1_000;

async function* follow(options: RunEventsOptions, path: string): AsyncGenerator<RunProgress, void, undefined> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  const reconnects = options.reconnects ?? 5;
  let left = reconnects;
  for (;;) {
    if (options.signal?.aborted) return;
    let failure: RunEventsError;
    try {
      // Each connection starts with the figures now: nothing is missed across a reconnect.
      for await (const progress of connect(options, url)) {
        left = reconnects;
        yield progress;
        if (progress.final) return;
      }
      failure = new RunEventsError('The event stream closed before the run ended.', 0);
    } catch (error) {
      // Refused (bad key, no such run): asking again changes nothing. A dropped connection or a 5xx is worth a retry.
      if (error instanceof RunEventsError && error.status >= 400 && error.status < 500) throw error;
      failure = error instanceof RunEventsError ? error : new RunEventsError(`Could not read ${url}: ${reasonOf(error)}.`, 0);
    }
    if (options.signal?.aborted) return;
    if (left-- <= 0) throw failure;
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
  }
}

/** One connection: its `progress` and `end` events until the server closes it; the connection closes with the iterator. */
async function* connect(options: RunEventsOptions, url: string): AsyncGenerator<RunProgress, void, undefined> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
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
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      for (let e = events.shift(); e; e = events.shift()) {
        if (e.event === 'progress' || e.event === 'end') yield JSON.parse(e.data) as RunProgress;
      }
    }
  } finally {
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
