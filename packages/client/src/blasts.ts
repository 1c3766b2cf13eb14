import { csvDownload, type CsvDownload } from './csv';
import { ok } from './errors';
import { watchBlast, type RunEventsOptions, type RunProgress } from './events';
import type { BlastRecipientsQuery, CampaignRecipient, CreateBlast, HeraldApi } from './types';

/** Blasts: one template to the contacts a search finds (ChitChatLabs' bulk send), run at once or at scheduledFor. */
export class Blasts {
  constructor(
    private readonly api: HeraldApi,
    private readonly events: RunEventsOptions,
  ) {}

  create(body: CreateBlast) {
    return ok(this.api.POST('/v1/blasts', { body }));
  }

  get(id: string) {
    return ok(this.api.GET('/v1/blasts/{id}', { params: { path: { id } } }));
  }

  /** The blast's figures as they change (Server-Sent Events), until it ends. */
  watch(id: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<RunProgress, void, undefined> {
    return watchBlast({ ...this.events, ...options }, id);
  }

  pause(id: string) {
    return ok(this.api.POST('/v1/blasts/{id}/pause', { params: { path: { id } } }));
  }

  resume(id: string) {
    return ok(this.api.POST('/v1/blasts/{id}/resume', { params: { path: { id } } }));
  }

  cancel(id: string) {
    return ok(this.api.POST('/v1/blasts/{id}/cancel', { params: { path: { id } } }));
  }

  retryFailed(id: string) {
    return ok(this.api.POST('/v1/blasts/{id}/retry-failed', { params: { path: { id } } }));
  }

  recipients(id: string, query: BlastRecipientsQuery = {}): Promise<CampaignRecipient[]> {
    return ok(this.api.GET('/v1/blasts/{id}/recipients', { params: { path: { id }, query: { ...query, format: 'json' } } }));
  }

  recipientsCsv(id: string, query: BlastRecipientsQuery = {}): CsvDownload {
    return csvDownload((parseAs) => this.api.GET('/v1/blasts/{id}/recipients', { params: { path: { id }, query: { ...query, format: 'csv' } }, parseAs }));
  }
}
