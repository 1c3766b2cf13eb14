import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A workspace's sending settings as stored; the sending library validates them and gives them meaning. */
export interface StoredSendingSettings {
  readonly frequencyCap: { readonly messages: number; readonly days: number } | null;
  /** A quiet-hours window as the sending library parsed it (JSON), or null. */
  readonly quietHours: unknown;
  /** Sends track their links by default. */
  readonly trackLinks: boolean;
  /** UTM parameters for tracked links (validated by the sending library), or null. */
  readonly linkUtm: Record<string, string> | null;
}

/** The settings columns of `workspaces`. */
@Injectable()
export class WorkspaceSettingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async get(workspaceId: string): Promise<StoredSendingSettings | undefined> {
    const rows: Array<{ m: number | null; d: number | null; q: unknown; t: boolean; u: Record<string, string> | null }> = await this.db.query(
      'SELECT frequency_cap_messages AS m, frequency_cap_days AS d, quiet_hours AS q, track_links AS t, link_utm AS u FROM workspaces WHERE id = $1',
      [workspaceId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      frequencyCap: row.m === null || row.d === null ? null : { messages: row.m, days: row.d },
      quietHours: row.q ?? null,
      trackLinks: row.t,
      linkUtm: row.u ?? null,
    };
  }

  /** Sets the settings named in `patch` (absent ones keep their value). */
  async set(workspaceId: string, patch: Partial<StoredSendingSettings>): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [workspaceId];
    if (patch.frequencyCap !== undefined) {
      params.push(patch.frequencyCap?.messages ?? null, patch.frequencyCap?.days ?? null);
      sets.push(`frequency_cap_messages = $${params.length - 1}`, `frequency_cap_days = $${params.length}`);
    }
    if (patch.quietHours !== undefined) {
      params.push(patch.quietHours === null ? null : JSON.stringify(patch.quietHours));
      sets.push(`quiet_hours = $${params.length}::jsonb`);
    }
    if (patch.trackLinks !== undefined) {
      params.push(patch.trackLinks);
      sets.push(`track_links = $${params.length}`);
    }
    if (patch.linkUtm !== undefined) {
      params.push(patch.linkUtm === null ? null : JSON.stringify(patch.linkUtm));
      sets.push(`link_utm = $${params.length}::jsonb`);
    }
    if (sets.length === 0) return;
    await this.db.query(`UPDATE workspaces SET ${sets.join(', ')} WHERE id = $1`, params);
  }
}
