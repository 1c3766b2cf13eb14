import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SendView } from '@herald/sending';
import { campaignSendId, toCampaignSendView } from './campaign-send-view.util';
import type { CampaignSendRow } from './recipient.repository';

/**
 * Where a page of a contact's campaign sends stops, newest first: sends whose run started before `at` (exact,
 * microseconds), or at `at` too when `orEqual`; with `id`, before (`at`, `id`) in (run start, recipient id) order.
 */
export interface RecipientTimeBound {
  readonly at: string;
  readonly id?: string;
  readonly orEqual?: boolean;
}

/** A campaign send of a contact, with its exact time key (its run's start, microseconds, UTC). */
export interface ContactCampaignSend {
  readonly at: string;
  /** The recipient's id (the send's id is `r:<id>`). */
  readonly id: string;
  readonly view: SendView;
}

const SEND_COLUMNS = `r.id, r.run_id, run.campaign_id, c.channel_id, r.contact_id, r.to_number, r.status, r.skip_reason, r.params, r.chunk_no,
              r.not_before, r.waiting_reason, r.attempts, r.provider_message_id, r.error, r.pricing, r.sending_at, r.accepted_at,
              r.sent_at, r.delivered_at, r.read_at, r.failed_at, r.updated_at, run.started_at, run.validity_seconds, run.tags,
              c.template_name, c.language_code, c.template_type, c.template_params`;

/**
 * A contact's history in campaigns and blasts, for its conversation and channel details: its sends (as in
 * `GET /v1/messages`, time = the run's start), their counts per channel, and the sends replies answer.
 *
 * `campaign_recipients` has no index leading with the contact: the contact's sends are found by scanning the
 * workspace's recipients (fine for thousands, slow for millions). docs/INBOUND.md names the index to add.
 */
@Injectable()
export class RecipientHistory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The contact's campaign and blast sends (on one channel or all), newest first (run start, recipient id), before `bound`. */
  async ofContact(workspaceId: string, contactId: string, channelId: string | undefined, limit: number, bound?: RecipientTimeBound): Promise<ContactCampaignSend[]> {
    const params: unknown[] = [workspaceId, contactId];
    const where = ['r.workspace_id = $1', 'r.contact_id = $2', 'run.started_at IS NOT NULL'];
    if (channelId !== undefined) {
      params.push(channelId);
      where.push(`c.channel_id = $${params.length}::uuid`);
    }
    if (bound !== undefined) {
      params.push(bound.at);
      const at = `$${params.length}::timestamptz`;
      if (bound.id !== undefined) {
        params.push(bound.id);
        where.push(`(run.started_at, r.id) < (${at}, $${params.length}::bigint)`);
      } else where.push(bound.orEqual === true ? `run.started_at <= ${at}` : `run.started_at < ${at}`);
    }
    params.push(limit);
    const rows: Array<CampaignSendRow & { at_key: string }> = await this.dataSource.query(
      `SELECT ${SEND_COLUMNS}, to_char(run.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key
         FROM campaign_recipients r JOIN campaign_runs run ON run.id = r.run_id JOIN campaigns c ON c.id = run.campaign_id
        WHERE ${where.join(' AND ')}
        ORDER BY run.started_at DESC, r.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ at: r.at_key, id: r.id, view: toCampaignSendView(r) }));
  }

  /** Per channel: the contact's campaign sends the provider accepted (they have its message id), and all of them. */
  async countsByChannel(workspaceId: string, contactId: string): Promise<Array<{ channelId: string; sent: number; total: number }>> {
    const rows: Array<{ channel_id: string; sent: string; total: string }> = await this.dataSource.query(
      `SELECT c.channel_id, count(*) FILTER (WHERE r.provider_message_id IS NOT NULL) AS sent, count(*) AS total
         FROM campaign_recipients r JOIN campaign_runs run ON run.id = r.run_id JOIN campaigns c ON c.id = run.campaign_id
        WHERE r.workspace_id = $1 AND r.contact_id = $2 GROUP BY c.channel_id`,
      [workspaceId, contactId],
    );
    return rows.map((r) => ({ channelId: r.channel_id, sent: Number(r.sent), total: Number(r.total) }));
  }

  /**
   * The campaign sends with these provider message ids (what replies quote), by the unique provider-id index: for
   * an inbound message's `replyTo`.
   */
  async byProviderIds(workspaceId: string, providerMessageIds: readonly string[]): Promise<Map<string, { id: string; campaignId: string; runId: string }>> {
    if (providerMessageIds.length === 0) return new Map();
    const rows: Array<{ id: string; provider_message_id: string; run_id: string; campaign_id: string }> = await this.dataSource.query(
      `SELECT r.id, r.provider_message_id, r.run_id, run.campaign_id
         FROM campaign_recipients r JOIN campaign_runs run ON run.id = r.run_id
        WHERE r.provider_message_id = ANY($2::text[]) AND r.workspace_id = $1`,
      [workspaceId, [...new Set(providerMessageIds)]],
    );
    return new Map(rows.map((r) => [r.provider_message_id, { id: campaignSendId(r.id), campaignId: r.campaign_id, runId: r.run_id }]));
  }
}
