import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChannelKind } from './channel-provider.types';
import type { ChannelStatus } from './channel.entity';
import type { MessagingTier } from './channel.types';

export interface ChannelRow {
  id: string;
  workspace_id: string;
  type: ChannelKind;
  name: string;
  phone_number_id: string;
  display_phone_number: string;
  waba_id: string;
  graph_base_url: string;
  messages_per_second: number;
  messaging_tier: MessagingTier;
  is_default: boolean;
  status: ChannelStatus;
  status_reason: string | null;
  marketing_messages: boolean;
  business_portfolio_id: string | null;
  limits_read_at: Date | null;
  secrets: Buffer;
  created_at: Date;
  updated_at: Date;
}

export interface ChannelFields {
  name: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  graphBaseUrl: string;
  messagesPerSecond: number;
  messagingTier: MessagingTier;
  secrets: Buffer;
}

/** What a provider read found (null: unread, keep the value Herald had). */
export interface ProviderState {
  messagingTier: MessagingTier | null;
  marketingMessages: boolean | null;
  businessPortfolioId: string | null;
}

const COLUMNS: Record<keyof ChannelFields, string> = {
  name: 'name',
  phoneNumberId: 'phone_number_id',
  displayPhoneNumber: 'display_phone_number',
  wabaId: 'waba_id',
  graphBaseUrl: 'graph_base_url',
  messagesPerSecond: 'messages_per_second',
  messagingTier: 'messaging_tier',
  secrets: 'secrets',
};

/** Channels in SQL; deleted channels (deleted_at) are invisible to every lookup but `anyById`. */
@Injectable()
export class ChannelRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Inserts a channel; the workspace's first live channel becomes its default. */
  async insert(workspaceId: string, type: ChannelKind, f: ChannelFields, manager: EntityManager): Promise<ChannelRow> {
    // One creation at a time per workspace, so two first channels cannot both become the default.
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`channels:${workspaceId}`]);
    const rows: ChannelRow[] = await manager.query(
      `INSERT INTO channels (workspace_id, type, name, phone_number_id, display_phone_number, waba_id, graph_base_url,
                             messages_per_second, messaging_tier, secrets, is_default)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
               NOT EXISTS (SELECT 1 FROM channels WHERE workspace_id = $1 AND deleted_at IS NULL))
       RETURNING *`,
      [workspaceId, type, f.name, f.phoneNumberId, f.displayPhoneNumber, f.wabaId, f.graphBaseUrl, f.messagesPerSecond, f.messagingTier, f.secrets],
    );
    return rows[0]!;
  }

  /** Another live channel of the workspace with this phone number id, if any. */
  /**
   * Holds, until the end of `manager`'s transaction, the right to add a channel for this sender id in this workspace:
   * two creates at once would both find none and both insert (a transaction-scoped advisory lock, not a unique index,
   * which a database that already holds such duplicates could not take).
   */
  async lockSenderId(manager: EntityManager, workspaceId: string, phoneNumberId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('channels:' || $1 || ':' || $2, 0))`, [workspaceId, phoneNumberId]);
  }

  async findByPhoneNumberId(workspaceId: string, phoneNumberId: string, manager: EntityManager = this.dataSource.manager): Promise<ChannelRow | undefined> {
    const rows: ChannelRow[] = await manager.query(
      'SELECT * FROM channels WHERE workspace_id = $1 AND phone_number_id = $2 AND deleted_at IS NULL',
      [workspaceId, phoneNumberId],
    );
    return rows[0];
  }

  async list(workspaceId: string): Promise<ChannelRow[]> {
    return this.dataSource.query('SELECT * FROM channels WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at, id', [workspaceId]);
  }

  async find(workspaceId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<ChannelRow | undefined> {
    const rows: ChannelRow[] = await manager.query('SELECT * FROM channels WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL', [
      workspaceId,
      id,
    ]);
    return rows[0];
  }

  async findDefault(workspaceId: string): Promise<ChannelRow | undefined> {
    const rows: ChannelRow[] = await this.dataSource.query(
      'SELECT * FROM channels WHERE workspace_id = $1 AND is_default AND deleted_at IS NULL',
      [workspaceId],
    );
    return rows[0];
  }

  /** The ids of live channels of `type` for the sender `phoneNumberId` (a Page, an account), in any workspace. */
  async idsOfSender(type: ChannelKind, phoneNumberId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      'SELECT id FROM channels WHERE type = $1 AND phone_number_id = $2 AND deleted_at IS NULL ORDER BY created_at, id LIMIT 10',
      [type, phoneNumberId],
    );
    return rows.map((r) => r.id);
  }

  /** The type of each of these channels still live (deleted ones are left out). */
  async typesOf(ids: readonly string[]): Promise<Array<{ id: string; type: ChannelKind }>> {
    if (ids.length === 0) return [];
    return this.dataSource.query('SELECT id, type FROM channels WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL', [ids]);
  }

  /** A live channel by id alone: for webhooks (the URL names the channel) and for workers. */
  async findById(id: string): Promise<ChannelRow | undefined> {
    const rows: ChannelRow[] = await this.dataSource.query('SELECT * FROM channels WHERE id = $1 AND deleted_at IS NULL', [id]);
    return rows[0];
  }

  async update(workspaceId: string, id: string, f: Partial<ChannelFields>, reactivate: boolean, manager: EntityManager): Promise<void> {
    const entries = Object.entries(f).filter(([, v]) => v !== undefined) as Array<[keyof ChannelFields, unknown]>;
    const sets = entries.map(([k], i) => `${COLUMNS[k]} = $${i + 3}`);
    const waba = entries.findIndex(([k]) => k === 'wabaId');
    if (waba >= 0) {
      // Another account may belong to another business portfolio: forget the one read, and read it again soon.
      const changed = `waba_id IS DISTINCT FROM $${waba + 3}::varchar`;
      sets.push(`business_portfolio_id = CASE WHEN ${changed} THEN NULL ELSE business_portfolio_id END`);
      sets.push(`limits_read_at = CASE WHEN ${changed} THEN NULL ELSE limits_read_at END`);
    }
    if (reactivate) sets.push(`status = 'active', status_reason = NULL`);
    sets.push('updated_at = now()');
    await manager.query(`UPDATE channels SET ${sets.join(', ')} WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`, [
      workspaceId,
      id,
      ...entries.map(([, v]) => v),
    ]);
  }

  async makeDefault(workspaceId: string, id: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE channels SET is_default = false WHERE workspace_id = $1 AND is_default AND id <> $2`, [workspaceId, id]);
    await manager.query(`UPDATE channels SET is_default = true, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
  }

  /** Soft-deletes; when it was the default, the oldest remaining channel takes over. */
  async softDelete(workspaceId: string, id: string, manager: EntityManager): Promise<boolean> {
    const rows: Array<{ was_default: boolean }> = await manager.query(
      `WITH gone AS (
         UPDATE channels c SET deleted_at = now(), is_default = false
           FROM (SELECT id, is_default FROM channels WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE) old
          WHERE c.id = old.id RETURNING old.is_default AS was_default)
       SELECT * FROM gone`,
      [workspaceId, id],
    );
    if (rows.length === 0) return false;
    if (rows[0]!.was_default) {
      await manager.query(
        `UPDATE channels SET is_default = true WHERE id = (
           SELECT id FROM channels WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1)`,
        [workspaceId],
      );
    }
    return true;
  }

  /**
   * What the provider says of the number: its messaging tier, whether marketing goes through /marketing_messages, and
   * the business portfolio that owns its account. A null keeps the value Herald had.
   */
  async setProviderState(id: string, state: ProviderState): Promise<void> {
    await this.dataSource.query(
      `UPDATE channels SET messaging_tier = COALESCE($2::varchar, messaging_tier), marketing_messages = COALESCE($3::boolean, marketing_messages),
              business_portfolio_id = COALESCE($4::varchar, business_portfolio_id), limits_read_at = now(), updated_at = now() WHERE id = $1`,
      [id, state.messagingTier, state.marketingMessages, state.businessPortfolioId],
    );
  }

  /** Live channels whose provider state was not read for `seconds` (or never). */
  async needingProviderRead(seconds: number, limit = 100): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM channels WHERE deleted_at IS NULL AND status = 'active' AND type = 'whatsapp'
          AND (limits_read_at IS NULL OR limits_read_at < now() - make_interval(secs => $1)) ORDER BY limits_read_at NULLS FIRST LIMIT $2`,
      [seconds, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Every live channel (not deleted, not paused), oldest first. */
  async activeIds(limit = 10_000): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM channels WHERE deleted_at IS NULL AND status = 'active' AND type = 'whatsapp' ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  /** Stops a channel (expired token, blocked account) until a user updates it. */
  async pause(id: string, reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE channels SET status = 'paused', status_reason = $2, updated_at = now() WHERE id = $1 AND status <> 'paused'`, [
      id,
      reason.slice(0, 1000),
    ]);
  }
}
