import { csvDownload, type CsvDownload } from './csv';
import { done, HeraldError, ok } from './errors';
import { paginate } from './paging';
import type { Campaign, CampaignCreated, CampaignRecipient, CreateCampaign, CreateRun, HeraldApi, Query, RecipientsQuery, Results, Run, RunCreated } from './types';
import { watchRun, type RunEventsOptions, type RunProgress } from './events';
import type { WaitOptions } from './imports';

type ListQuery = Query<'/v1/campaigns', 'get'>;
/** A run's states after which nothing more happens on its own. */
const FINAL_RUN_STATES: ReadonlySet<Run['status']> = new Set(['completed', 'cancelled', 'failed']);

/** Campaigns: a message (a template) for audiences; each run sends it to their contacts. */
export class Campaigns {
  constructor(
    private readonly api: HeraldApi,
    private readonly events: RunEventsOptions,
  ) {}

  /** Creates the campaign; `options.runImmediately` also starts a run (its id is in `run`). */
  create(body: CreateCampaign): Promise<CampaignCreated> {
    return ok(this.api.POST('/v1/campaigns', { body }));
  }

  get(id: string): Promise<Campaign> {
    return ok(this.api.GET('/v1/campaigns/{id}', { params: { path: { id } } }));
  }

  /** One page of campaigns, newest first. */
  list(query: ListQuery = {}) {
    return ok(this.api.GET('/v1/campaigns', { params: { query } }));
  }

  /** Every campaign, page after page as the loop goes. */
  all(query: Omit<ListQuery, 'cursor'> = {}): AsyncGenerator<Campaign, void, undefined> {
    return paginate((cursor) => this.list({ ...query, ...(cursor === undefined ? {} : { cursor }) }));
  }

  remove(id: string): Promise<void> {
    return done(this.api.DELETE('/v1/campaigns/{id}', { params: { path: { id } } }));
  }

  /** Starts a run for the audiences, now or at `timeToRun`. */
  run(id: string, body: CreateRun): Promise<RunCreated> {
    return ok(this.api.POST('/v1/campaigns/{id}/runs', { params: { path: { id } }, body }));
  }

  getRun(id: string, runId: string): Promise<Run> {
    return ok(this.api.GET('/v1/campaigns/{id}/runs/{runId}', { params: { path: { id, runId } } }));
  }

  /** Reads the run until it has completed, been cancelled or failed, and returns it. */
  async waitForRun(id: string, runId: string, options: WaitOptions = {}): Promise<Run> {
    const until = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const run = await this.getRun(id, runId);
      if (FINAL_RUN_STATES.has(run.status)) return run;
      if (Date.now() >= until) throw new HeraldError(0, 'wait_timeout', `Run ${runId} is still ${run.status} after ${options.timeoutMs ?? 60_000} ms.`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    }
  }

  /** The run's figures as they change (Server-Sent Events), until it ends: `for await (const p of …watch(id, runId))`. */
  watch(id: string, runId: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<RunProgress, void, undefined> {
    return watchRun({ ...this.events, ...options }, { campaignId: id, runId });
  }

  pause(id: string, runId: string): Promise<Run> {
    return ok(this.api.POST('/v1/campaigns/{id}/runs/{runId}/pause', { params: { path: { id, runId } } }));
  }

  resume(id: string, runId: string): Promise<Run> {
    return ok(this.api.POST('/v1/campaigns/{id}/runs/{runId}/resume', { params: { path: { id, runId } } }));
  }

  cancel(id: string, runId: string): Promise<Run> {
    return ok(this.api.POST('/v1/campaigns/{id}/runs/{runId}/cancel', { params: { path: { id, runId } } }));
  }

  retryFailed(id: string, runId: string) {
    return ok(this.api.POST('/v1/campaigns/{id}/runs/{runId}/retry-failed', { params: { path: { id, runId } } }));
  }

  /** Sent, delivered, read, errors and rates of every run, or of `runId`'s. */
  results(id: string, query: { runId?: string } = {}): Promise<Results> {
    return ok(this.api.GET('/v1/campaigns/{id}/results', { params: { path: { id }, query } }));
  }

  /** Every recipient with its status, error and times (JSON). */
  recipients(id: string, query: RecipientsQuery = {}): Promise<CampaignRecipient[]> {
    return ok(this.api.GET('/v1/campaigns/{id}/recipients', { params: { path: { id }, query: { ...query, format: 'json' } } }));
  }

  /** The same recipients as CSV, as text or a stream. */
  recipientsCsv(id: string, query: RecipientsQuery = {}): CsvDownload {
    return csvDownload((parseAs) => this.api.GET('/v1/campaigns/{id}/recipients', { params: { path: { id }, query: { ...query, format: 'csv' } }, parseAs }));
  }
}
