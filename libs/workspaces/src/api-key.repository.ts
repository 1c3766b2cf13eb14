import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { ApiKey } from './api-key.entity';
import { Workspace } from './workspace.entity';

export interface AuthenticatedKey {
  readonly keyId: string;
  readonly workspaceId: string;
  /** The key's public id (`hrldpk_…`). */
  readonly publicId: string;
  /** The channels it may send from; null: every channel of its workspace. */
  readonly allowedChannelIds: readonly string[] | null;
}

/** A presented key: active, revoked (still stored: revoked keys are forgotten after a retention period), or unknown. */
export type KeyLookup = { readonly state: 'active'; readonly key: AuthenticatedKey } | { readonly state: 'revoked'; readonly publicId: string } | { readonly state: 'unknown' };

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates a workspace and its first key in one transaction. */
  async createWorkspaceWithKey(name: string, key: { prefix: string; hash: string; publicId: string }): Promise<{ workspace: Workspace; keyId: string }> {
    return this.dataSource.transaction(async (manager) => {
      const workspace = await manager.save(manager.create(Workspace, { name }));
      const apiKey = await manager.save(
        manager.create(ApiKey, { workspaceId: workspace.id, prefix: key.prefix, keyHash: key.hash, publicId: key.publicId, allowedChannelIds: null }),
      );
      return { workspace, keyId: apiKey.id };
    });
  }

  async insert(workspaceId: string, key: { prefix: string; hash: string; publicId: string }, allowedChannelIds: readonly string[] | null): Promise<ApiKey> {
    const repo = this.dataSource.getRepository(ApiKey);
    return repo.save(
      repo.create({ workspaceId, prefix: key.prefix, keyHash: key.hash, publicId: key.publicId, allowedChannelIds: allowedChannelIds === null ? null : [...allowedChannelIds] }),
    );
  }

  /** Sets which channels an active key of the workspace may send from (null: all); undefined when there is no such key. */
  async setAllowedChannels(workspaceId: string, keyId: string, allowedChannelIds: readonly string[] | null): Promise<ApiKey | undefined> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(ApiKey)
      .set({ allowedChannelIds: allowedChannelIds === null ? null : [...allowedChannelIds] })
      .where('id = :keyId AND workspace_id = :workspaceId AND revoked_at IS NULL', { keyId, workspaceId })
      .execute();
    if (!result.affected) return undefined;
    return (await this.dataSource.getRepository(ApiKey).findOneBy({ id: keyId })) ?? undefined;
  }

  /** Active (not revoked) keys of a workspace, newest first. */
  listActive(workspaceId: string): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({
      where: { workspaceId, revokedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  /**
   * Revokes one active key of the workspace, unless it is the workspace's last active key. The count and the
   * update happen under a lock on the workspace row, so two concurrent revocations cannot both pass the check.
   */
  async revoke(workspaceId: string, keyId: string, now: Date): Promise<'revoked' | 'not_found' | 'last_key'> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
      const rows: Array<{ id: string }> = await manager.query(
        'SELECT id FROM api_keys WHERE workspace_id = $1 AND revoked_at IS NULL',
        [workspaceId],
      );
      if (!rows.some((r) => r.id === keyId)) return 'not_found';
      if (rows.length === 1) return 'last_key';
      await manager.query('UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND workspace_id = $2', [keyId, workspaceId, now]);
      return 'revoked';
    });
  }

  /**
   * Finds the active key with this hash and records its use. `last_used_at` is written at most once a
   * minute per key, so authentication does not turn every request into a write.
   */
  async authenticate(hash: string, now: Date): Promise<KeyLookup> {
    const rows: Array<{ id: string; workspace_id: string; public_id: string; allowed_channel_ids: string[] | null; revoked: boolean; stale: boolean }> =
      await this.dataSource.query(
        `SELECT id, workspace_id, public_id, allowed_channel_ids, revoked_at IS NOT NULL AS revoked,
                (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute') AS stale
           FROM api_keys WHERE key_hash = $1`,
        [hash, now],
      );
    const row = rows[0];
    if (!row) return { state: 'unknown' };
    if (row.revoked) return { state: 'revoked', publicId: row.public_id };
    if (row.stale) {
      await this.dataSource.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [row.id, now]);
    }
    return { state: 'active', key: { keyId: row.id, workspaceId: row.workspace_id, publicId: row.public_id, allowedChannelIds: row.allowed_channel_ids } };
  }

  async workspaceIds(limit: number): Promise<string[]> {
    const rows = await this.dataSource.getRepository(Workspace).find({ select: { id: true }, take: limit, order: { createdAt: 'ASC' } });
    return rows.map((r) => r.id);
  }

  async workspaceExists(workspaceId: string): Promise<boolean> {
    return this.dataSource.getRepository(Workspace).exists({ where: { id: workspaceId } });
  }

  /** Deletes keys revoked before `cutoff`; returns how many. */
  async deleteRevokedBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(ApiKey)
      .where('revoked_at < :cutoff', { cutoff })
      .execute();
    return result.affected ?? 0;
  }
}
