import type { CallbackEventInput } from '@herald/callbacks';
import type { SendState } from './send-status.util';
import type { MessageError } from './send.types';

/**
 * A send whose status just changed, as its owner's statement returned it (RETURNING these columns). Both sources
 * of sends return this shape, so a `message.status` event reads the same whatever sent it.
 */
export interface SendEventRow {
  /** The id `GET /v1/messages/:id` takes: a message's uuid, or `r:<recipient id>` for a campaign or blast send. */
  send_id: string;
  workspace_id: string;
  channel_id: string | null;
  to_number: string;
  status: SendState;
  at: Date;
  request_id: string | null;
  custom_args: Record<string, unknown> | null;
  tags: string[] | null;
  campaign_id: string | null;
  run_id: string | null;
  /** The campaign is a blast (its id is the blast's). */
  blast: boolean | null;
  provider_message_id: string | null;
  error: MessageError | null;
  skip_reason: string | null;
  callback_url: string | null;
}

/** `message.status` events of these changes. A status only counts when the row ended at it (`only`, when given). */
export function sendStatusEvents(rows: readonly SendEventRow[], only?: ReadonlySet<string>): CallbackEventInput[] {
  const events: CallbackEventInput[] = [];
  for (const r of rows) {
    if (only !== undefined && !only.has(r.status)) continue;
    events.push({
      workspaceId: r.workspace_id,
      type: 'message.status',
      occurredAt: r.at,
      callbackUrl: r.callback_url,
      data: sendStatusData(r),
    });
  }
  return events;
}

export function sendStatusData(r: SendEventRow): Record<string, unknown> {
  const at = r.at instanceof Date ? r.at : new Date(r.at);
  return {
    messageId: r.send_id,
    status: r.status,
    at: at.toISOString(),
    to: r.to_number,
    channelId: r.channel_id,
    providerMessageId: r.provider_message_id,
    requestId: r.request_id,
    customArgs: r.custom_args ?? {},
    tags: r.tags ?? [],
    campaignId: r.blast ? null : r.campaign_id,
    blastId: r.blast ? r.campaign_id : null,
    runId: r.run_id,
    skipReason: r.skip_reason,
    error:
      r.error === null
        ? null
        : { code: r.error.code, title: r.error.title, details: r.error.details, docsUrl: r.error.docsUrl ?? null },
  };
}
