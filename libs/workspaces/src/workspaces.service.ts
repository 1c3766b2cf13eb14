import { Injectable } from '@nestjs/common';
import { Clock, HeraldError, isUuid } from '@herald/common';
import type { ApiKey } from './api-key.entity';
import { ApiKeyRepository, type KeyLookup } from './api-key.repository';
import { generateApiKey, hashApiKey, looksLikeApiKey, looksLikePublicKeyId } from './api-key.util';

export interface CreatedWorkspace {
  readonly id: string;
  readonly name: string;
  /** Shown once; only its hash is stored. */
  readonly apiKey: string;
}

export interface CreatedApiKey extends ApiKeySummary {
  /** Shown once; only its hash is stored. */
  readonly apiKey: string;
}

export interface ApiKeySummary {
  readonly id: string;
  /** The key's public id (`hrldpk_…`): with the key, the pair of `Basic base64(<publicId>:<key>)`. */
  readonly publicId: string;
  readonly prefix: string;
  /** The channels it may send from; null: every channel of the workspace. */
  readonly allowedChannelIds: string[] | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

function summary(r: ApiKey): ApiKeySummary {
  return { id: r.id, publicId: r.publicId, prefix: r.prefix, allowedChannelIds: r.allowedChannelIds, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt };
}

/** Workspaces (tenants) and the API keys that act for them. */
@Injectable()
export class WorkspacesService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
  ) {}

  async createWorkspace(name: string): Promise<CreatedWorkspace> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) {
      throw new HeraldError('invalid', 'validation_failed', 'The workspace name must be 1 to 200 characters.', [
        { field: 'name', issue: 'must be 1 to 200 characters' },
      ]);
    }
    const key = generateApiKey();
    const { workspace } = await this.keys.createWorkspaceWithKey(trimmed, key);
    return { id: workspace.id, name: workspace.name, apiKey: key.plaintext };
  }

  /**
   * A new key; `allowedChannelIds` restricts it to those channels (the caller checked they are the workspace's),
   * null lets it send from every channel.
   */
  async createApiKey(workspaceId: string, allowedChannelIds: readonly string[] | null = null): Promise<CreatedApiKey> {
    const key = generateApiKey();
    const row = await this.keys.insert(workspaceId, key, allowedChannelIds === null ? null : [...new Set(allowedChannelIds)]);
    return { ...summary(row), apiKey: key.plaintext };
  }

  async listApiKeys(workspaceId: string): Promise<ApiKeySummary[]> {
    const rows = await this.keys.listActive(workspaceId);
    return rows.map(summary);
  }

  /** Restricts an active key to some channels (the caller checked they are the workspace's), or lifts it (null). */
  async restrictApiKey(workspaceId: string, keyId: string, allowedChannelIds: readonly string[] | null): Promise<ApiKeySummary> {
    const row = isUuid(keyId) ? await this.keys.setAllowedChannels(workspaceId, keyId, allowedChannelIds === null ? null : [...new Set(allowedChannelIds)]) : undefined;
    if (!row) throw HeraldError.notFound('api key', keyId);
    return summary(row);
  }

  async revokeApiKey(workspaceId: string, keyId: string): Promise<void> {
    const outcome = await this.keys.revoke(workspaceId, keyId, this.clock.now().toJSDate());
    if (outcome === 'not_found') throw HeraldError.notFound('api key', keyId);
    if (outcome === 'last_key') {
      throw new HeraldError(
        'conflict',
        'last_api_key',
        'This is the workspace\'s only active API key; create another one before revoking it.',
      );
    }
  }

  /**
   * What a presented key is: active (and the workspace it acts for), revoked, or unknown. With `publicId` (a key pair,
   * `Basic base64(<publicId>:<key>)`), both must belong to the same key; a pair that does not is unknown.
   */
  async authenticate(presentedKey: string, publicId?: string): Promise<KeyLookup> {
    if (!looksLikeApiKey(presentedKey) || (publicId !== undefined && !looksLikePublicKeyId(publicId))) return { state: 'unknown' };
    const found = await this.keys.authenticate(hashApiKey(presentedKey), this.clock.now().toJSDate());
    if (publicId === undefined || found.state === 'unknown') return found;
    const pairedWith = found.state === 'active' ? found.key.publicId : found.publicId;
    return pairedWith === publicId ? found : { state: 'unknown' };
  }

  /** Refuses a workspace id that does not exist (for operator commands that take one). */
  async assertExists(workspaceId: string): Promise<void> {
    if (!isUuid(workspaceId) || !(await this.keys.workspaceExists(workspaceId))) {
      throw HeraldError.notFound('workspace', workspaceId);
    }
  }

  /** The id of the workspace when exactly one exists (operator commands' default). */
  async soleWorkspaceId(): Promise<string | undefined> {
    const ids = await this.keys.workspaceIds(2);
    return ids.length === 1 ? ids[0] : undefined;
  }

  /** Housekeeping: forget keys revoked more than `retentionDays` ago. */
  purgeRevokedApiKeys(retentionDays: number): Promise<number> {
    return this.keys.deleteRevokedBefore(this.clock.now().minus({ days: retentionDays }).toJSDate());
  }
}
