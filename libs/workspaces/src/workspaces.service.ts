import { Injectable } from '@nestjs/common';
import { Clock, HeraldError, isUuid } from '@herald/common';
import { ApiKeyRepository, type AuthenticatedKey } from './api-key.repository';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './api-key.util';

export interface CreatedWorkspace {
  readonly id: string;
  readonly name: string;
  /** Shown once; only its hash is stored. */
  readonly apiKey: string;
}

export interface CreatedApiKey {
  readonly id: string;
  readonly prefix: string;
  readonly createdAt: Date;
  /** Shown once; only its hash is stored. */
  readonly apiKey: string;
}

export interface ApiKeySummary {
  readonly id: string;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
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

  async createApiKey(workspaceId: string): Promise<CreatedApiKey> {
    const key = generateApiKey();
    const row = await this.keys.insert(workspaceId, key);
    return { id: row.id, prefix: row.prefix, createdAt: row.createdAt, apiKey: key.plaintext };
  }

  async listApiKeys(workspaceId: string): Promise<ApiKeySummary[]> {
    const rows = await this.keys.listActive(workspaceId);
    return rows.map((r) => ({ id: r.id, prefix: r.prefix, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt }));
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

  /** The workspace a presented key acts for, or null when the key is unknown or revoked. */
  async authenticate(presentedKey: string): Promise<AuthenticatedKey | null> {
    if (!looksLikeApiKey(presentedKey)) return null;
    return this.keys.authenticate(hashApiKey(presentedKey), this.clock.now().toJSDate());
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
