import { expiresAt, statusSteps, type SendCategory, type SendView } from '@herald/sending';
import type { CampaignSendRow, SendsPosition } from './recipient.repository';

/** A campaign send's id in the API: its recipient id, marked (the same text Herald gives Meta as callback data). */
export const CAMPAIGN_SEND_ID = /^r:([1-9][0-9]{0,17})$/;

export function campaignSendId(recipientId: string): string {
  return `r:${recipientId}`;
}

/** A campaign run's recipient as a send in `GET /v1/messages`. */
export function toCampaignSendView(row: CampaignSendRow): SendView {
  const category = row.template_type.toLowerCase() as SendCategory;
  const params = row.params ?? [];
  const buttons = row.template_params?.buttons ?? [];
  const bodyCount = Math.max(0, params.length - buttons.length);
  return {
    id: campaignSendId(row.id),
    channelId: row.channel_id,
    to: row.to_number,
    contactId: row.contact_id,
    type: 'template',
    content: {
      type: 'template',
      template: {
        name: row.template_name,
        language: row.language_code,
        parameters: params.slice(0, bodyCount),
        ...(row.template_params?.header ? { header: row.template_params.header } : {}),
        ...(buttons.length > 0 && params.length > 0 ? { buttons: buttons.map((b, j) => ({ index: b.index, param: params[bodyCount + j] ?? null })) } : {}),
      },
    },
    template: row.template_name,
    status: row.status,
    category,
    scheduledFor: null,
    expiresAt: expiresAt(row.started_at, row.validity_seconds, category),
    waiting: row.status === 'queued' && row.waiting_reason !== null ? { reason: row.waiting_reason, until: row.not_before } : null,
    skipReason: row.skip_reason,
    // Skipped at fan-out: never queued.
    statuses: statusSteps(row.status === 'skipped' && row.chunk_no < 0 ? null : row.started_at, row),
    error: row.error,
    providerMessageId: row.provider_message_id,
    pricing: row.pricing,
    attempts: row.attempts,
    tags: row.tags ?? [],
    requestId: null,
    customArgs: {},
    campaignId: row.campaign_id,
    runId: row.run_id,
    createdAt: row.started_at,
    updatedAt: row.updated_at,
  };
}

export function positionOf(row: CampaignSendRow): SendsPosition {
  return { runId: row.run_id, chunkNo: row.chunk_no, id: row.id };
}
