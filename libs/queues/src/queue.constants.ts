/**
 * The queue contract. These strings are part of the Redis keys and job records of work in flight:
 * NEVER rename or reuse one once shipped. Add new names instead.
 */
export enum QueueName {
  /** Periodic housekeeping of the database. */
  Maintenance = 'maintenance',
  /** CSV imports being applied. */
  Imports = 'imports',
  /** Single messages to send through the provider. */
  Messages = 'messages',
  /** Verified provider webhooks (statuses, inbound messages) to apply. */
  Webhooks = 'webhooks',
  /** Campaign work: template registration, run starts (delayed to timeToRun) and chunks of recipients. */
  Campaigns = 'campaigns',
  /**
   * Callback deliveries (outbound webhooks to the workspaces' endpoints). A queue of its own, so a slow or dead
   * endpoint never holds a worker slot that sending needs.
   */
  Callbacks = 'callbacks',
}

/** Job names, also stored with every job in Redis: never rename one once shipped. */
export enum JobName {
  PurgeRevokedApiKeys = 'purge-revoked-api-keys',
  /** Hands imports whose job was lost (Redis flushed, enqueue failed) to a worker again. */
  RequeueImports = 'requeue-imports',
  /** Applies one staged CSV import. Job id = import id. */
  ProcessImport = 'process-import',
  /** Sends one message. Job id = message id; the message's row in Postgres is the truth. */
  SendMessage = 'send-message',
  /** Applies stored webhook events (this one and others waiting) in one batch. */
  ApplyWebhooks = 'apply-webhooks',
  /** Hands messages whose job was lost (or whose send got no answer) to a worker again. */
  RequeueMessages = 'requeue-messages',
  /** Hands stored webhook events whose job was lost to a worker again. */
  RequeueWebhooks = 'requeue-webhooks',
  /** Submits a campaign's template to its channel. Job id = `template-<campaign id>`. */
  RegisterTemplate = 'register-template',
  /** Starts a run at its timeToRun (a delayed job): fixes its recipients, then queues its chunks. Job id = run id. */
  StartRun = 'start-run',
  /** Sends one chunk of a run's recipients. Job id = `<run id>-c<chunk>`; Postgres says who is left. */
  SendChunk = 'send-chunk',
  /** Rebuilds campaign work from Postgres (lost jobs, in-doubt sends, template states, finished runs). */
  ReconcileCampaigns = 'reconcile-campaigns',
  /** Reads each channel's messaging tier and Marketing Messages status from the provider (one channel, or all due). */
  ReadChannelLimits = 'read-channel-limits',
  /** Reads a channel's account's message templates from the provider (one channel, or every account due). */
  SyncTemplates = 'sync-templates',
  /**
   * Posts the due deliveries of one endpoint (or one workspace's per-send callback URLs) in batches, until none are
   * due. Job id = `cb-<endpoint id>-<slot>` or `cbw-<workspace id>-<slot>` (CALLBACK_JOB_SLOTS slots): Redis holds a
   * few jobs per endpoint, never one per event. Postgres (callback_deliveries) is the truth; a sweeper re-enqueues.
   */
  DeliverCallbacks = 'deliver-callbacks',
  /**
   * Retention of the callback outbox: deletes finished deliveries older than CALLBACK_RETENTION_DAYS and the events
   * with no delivery left, in batches. Scheduled hourly in the maintenance queue.
   */
  PurgeCallbacks = 'purge-callbacks',
  /** Deletes webhook events set aside longer ago than WEBHOOK_FAILED_RETENTION_DAYS. Hourly, maintenance queue. */
  PurgeFailedWebhooks = 'purge-failed-webhooks',
}

/** The payload each job carries. */
export interface JobPayloads {
  [JobName.PurgeRevokedApiKeys]: Record<string, never>;
  [JobName.RequeueImports]: Record<string, never>;
  [JobName.ProcessImport]: { importId: string };
  /** `with`: other messages of the same request and channel, sent in one batch with it (MessageSender.sendDue). */
  [JobName.SendMessage]: { messageId: string; with?: string[] };
  [JobName.ApplyWebhooks]: { eventId: string };
  [JobName.RequeueMessages]: Record<string, never>;
  [JobName.RequeueWebhooks]: Record<string, never>;
  [JobName.RegisterTemplate]: { campaignId: string };
  [JobName.StartRun]: { runId: string };
  [JobName.SendChunk]: { runId: string; chunk: number };
  [JobName.ReconcileCampaigns]: Record<string, never>;
  [JobName.ReadChannelLimits]: { channelId?: string };
  [JobName.SyncTemplates]: { channelId?: string };
  /** One endpoint's deliveries, or (`directWorkspaceId`) one workspace's deliveries to per-send callback URLs. */
  [JobName.DeliverCallbacks]: CallbackTarget;
  [JobName.PurgeCallbacks]: Record<string, never>;
  [JobName.PurgeFailedWebhooks]: Record<string, never>;
}

/** The jobs each queue carries. */
export const JOBS_OF_QUEUE = {
  [QueueName.Maintenance]: [
    JobName.PurgeRevokedApiKeys,
    JobName.RequeueImports,
    JobName.RequeueMessages,
    JobName.RequeueWebhooks,
    JobName.ReconcileCampaigns,
    JobName.ReadChannelLimits,
    JobName.SyncTemplates,
    JobName.PurgeCallbacks,
    JobName.PurgeFailedWebhooks,
  ],
  [QueueName.Imports]: [JobName.ProcessImport],
  [QueueName.Messages]: [JobName.SendMessage],
  [QueueName.Webhooks]: [JobName.ApplyWebhooks],
  [QueueName.Campaigns]: [JobName.RegisterTemplate, JobName.StartRun, JobName.SendChunk],
  [QueueName.Callbacks]: [JobName.DeliverCallbacks],
} as const satisfies { readonly [Q in QueueName]: readonly JobName[] };

/** The job names one queue's processor must handle. */
export type JobNameOf<Q extends QueueName> = (typeof JOBS_OF_QUEUE)[Q][number];

/** Which queue each job goes to. */
export const QUEUE_OF_JOB = Object.fromEntries(
  Object.entries(JOBS_OF_QUEUE).flatMap(([queue, jobs]) => jobs.map((job) => [job, queue])),
) as { readonly [J in JobName]: QueueName };

/** Queues whose jobs are heavy run fewer at once than WORKER_CONCURRENCY. */
export const QUEUE_CONCURRENCY: Partial<Record<QueueName, number>> = {
  [QueueName.Imports]: 2,
  // Sends mostly wait: for their rate-limit slot and for the provider's answer.
  [QueueName.Messages]: 64,
  [QueueName.Webhooks]: 4,
  // Each job posts a batch with its own bounded concurrency; this bounds how many endpoints one process serves at once.
  [QueueName.Callbacks]: 16,
};

/** How many delivery jobs one endpoint may have at once (ids `…-0`, `…-1`): two workers can serve a busy endpoint. */
export const CALLBACK_JOB_SLOTS = 2;

/** What one delivery job serves: an endpoint, or a workspace's per-send callback URLs. */
export type CallbackTarget = { readonly endpointId: string } | { readonly directWorkspaceId: string };

/** The deterministic ids of a delivery target's jobs (no colon: BullMQ refuses custom ids with one). */
export function callbackJobIds(target: CallbackTarget): string[] {
  const base = 'endpointId' in target ? `cb-${target.endpointId}` : `cbw-${target.directWorkspaceId}`;
  return Array.from({ length: CALLBACK_JOB_SLOTS }, (_, slot) => `${base}-${slot}`);
}

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
