import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AudienceView } from './audience.types';

interface AudienceRow {
  pk: string;
  id: string;
  name: string;
  description: string | null;
  size: string;
  created_at: Date;
  updated_at: Date;
}

function toView(row: AudienceRow): AudienceView & { pk: string } {
  return {
    pk: row.pk,
    id: row.id,
    name: row.name,
    description: row.description,
    size: Number(row.size),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const SELECT = `SELECT a.pk, a.id, a.name, a.description, a.created_at, a.updated_at,
  (SELECT count(*) FROM audience_members m WHERE m.audience_pk = a.pk) AS size FROM audiences a`;

/** Audiences and memberships in SQL; every statement is scoped by workspace. */
@Injectable()
export class AudienceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Creates the audience; undefined when the id is taken. */
  async insert(
    workspaceId: string,
    a: { id: string; name: string; description: string | null },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string | undefined> {
    const rows: Array<{ pk: string }> = await manager.query(
      `INSERT INTO audiences (workspace_id, id, name, description) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, id) DO NOTHING RETURNING pk`,
      [workspaceId, a.id, a.name, a.description],
    );
    return rows[0]?.pk;
  }

  /** Creates the audience unless it exists; returns its pk either way. */
  async ensure(workspaceId: string, a: { id: string; name: string }, manager: EntityManager = this.dataSource.manager): Promise<string> {
    const rows: Array<{ pk: string }> = await manager.query(
      `WITH ins AS (
         INSERT INTO audiences (workspace_id, id, name) VALUES ($1, $2, $3)
         ON CONFLICT (workspace_id, id) DO NOTHING RETURNING pk)
       SELECT pk FROM ins UNION ALL SELECT pk FROM audiences WHERE workspace_id = $1 AND id = $2 LIMIT 1`,
      [workspaceId, a.id, a.name],
    );
    return rows[0]!.pk;
  }

  async list(workspaceId: string): Promise<Array<AudienceView & { pk: string }>> {
    const rows: AudienceRow[] = await this.dataSource.query(`${SELECT} WHERE a.workspace_id = $1 ORDER BY a.created_at, a.pk`, [workspaceId]);
    return rows.map(toView);
  }

  async find(workspaceId: string, id: string): Promise<(AudienceView & { pk: string }) | undefined> {
    const rows: AudienceRow[] = await this.dataSource.query(`${SELECT} WHERE a.workspace_id = $1 AND a.id = $2`, [workspaceId, id]);
    return rows[0] && toView(rows[0]);
  }

  async pkOf(workspaceId: string, id: string): Promise<string | undefined> {
    const rows: Array<{ pk: string }> = await this.dataSource.query('SELECT pk FROM audiences WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      id,
    ]);
    return rows[0]?.pk;
  }

  async countContacts(workspaceId: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1', [workspaceId]);
    return Number(rows[0]!.n);
  }

  /** Adds contacts to an audience; returns how many were not members before. */
  async addMembers(audiencePk: string, contactIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<number> {
    if (contactIds.length === 0) return 0;
    const rows: Array<{ n: string }> = await manager.query(
      `WITH ins AS (
         INSERT INTO audience_members (audience_pk, contact_id) SELECT $1, unnest($2::bigint[])
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*) AS n FROM ins`,
      [audiencePk, contactIds],
    );
    return Number(rows[0]!.n);
  }

  async removeMember(audiencePk: string, workspaceId: string, number: string): Promise<boolean> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH d AS (DELETE FROM audience_members m USING contacts c
        WHERE m.audience_pk = $1 AND m.contact_id = c.id AND c.workspace_id = $2 AND c.number = $3 RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [audiencePk, workspaceId, number],
    );
    return rows[0]!.n > 0;
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH d AS (DELETE FROM audiences WHERE workspace_id = $1 AND id = $2 RETURNING pk),
            m AS (DELETE FROM audience_members WHERE audience_pk IN (SELECT pk FROM d))
       SELECT count(*)::int AS n FROM d`,
      [workspaceId, id],
    );
    return rows[0]!.n > 0;
  }
}
