import { Injectable } from '@nestjs/common';
import { ChannelsService } from '@herald/channels';
import { decodeIdCursor, encodeIdCursor, HeraldError } from '@herald/common';
import { JobName, JobQueue, requeuedJobId } from '@herald/queues';
import { WebhookRepository } from './webhook.repository';

/** An event a worker could not apply, even alone, as the API shows it. */
export interface FailedWebhookEventView {
  readonly id: string;
  readonly receivedAt: string;
  readonly failedAt: string;
  /** Why it could not be applied (the error the worker met). */
  readonly error: string;
  /** The body as the provider sent it. */
  readonly body: unknown;
}

export interface FailedWebhookEventPage {
  readonly data: FailedWebhookEventView[];
  readonly nextCursor: string | null;
}

const EVENT_ID = /^\d{1,18}$/;

function notFound(id: string): HeraldError {
  return new HeraldError(
    'not_found',
    'webhook_event_not_found',
    `No webhook event "${id}" is set aside for this channel: it was replayed, discarded, or deleted WEBHOOK_FAILED_RETENTION_DAYS after it was set aside.`,
  );
}

/**
 * A channel's provider events set aside by the worker (WebhookApplier): an operator reads why, then, once the cause is
 * fixed, replays an event (it waits to be applied again, as if just received) or discards it. Retention deletes them
 * after WEBHOOK_FAILED_RETENTION_DAYS (WebhookRecovery.purgeFailed).
 */
@Injectable()
export class FailedWebhookEvents {
  constructor(
    private readonly channels: ChannelsService,
    private readonly events: WebhookRepository,
    private readonly queue: JobQueue,
  ) {}

  async list(workspaceId: string, channelId: string, query: { limit?: number; cursor?: string }): Promise<FailedWebhookEventPage> {
    await this.channels.get(workspaceId, channelId);
    const limit = query.limit ?? 50;
    const beforeId = decodeIdCursor('f', query.cursor);
    const rows = await this.events.failedOf(channelId, { limit: limit + 1, ...(beforeId ? { beforeId } : {}) });
    const page = rows.slice(0, limit);
    return {
      data: page.map((r) => ({ id: r.id, receivedAt: r.received_at.toISOString(), failedAt: r.failed_at.toISOString(), error: r.error, body: r.body })),
      nextCursor: rows.length > limit ? encodeIdCursor('f', page[page.length - 1]!.id) : null,
    };
  }

  /** Puts the event back among those waiting to be applied and asks a worker for it. */
  async replay(workspaceId: string, channelId: string, id: string): Promise<void> {
    await this.channels.get(workspaceId, channelId);
    if (!EVENT_ID.test(id) || !(await this.events.putBack(channelId, id))) throw notFound(id);
    // A job id of its own: the event's first job may still be kept in Redis, and an add under its id would be dropped.
    // Should the add fail, the sweep hands the event to a worker within a minute or so (it is stored, waiting).
    await this.queue.add(JobName.ApplyWebhooks, { eventId: id }, { jobId: requeuedJobId(`webhook-${id}`, Date.now()) }).catch(() => undefined);
  }

  async discard(workspaceId: string, channelId: string, id: string): Promise<void> {
    await this.channels.get(workspaceId, channelId);
    if (!EVENT_ID.test(id) || !(await this.events.discard(channelId, id))) throw notFound(id);
  }
}
