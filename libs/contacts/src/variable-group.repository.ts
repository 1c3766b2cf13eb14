import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Attributes } from './contact.types';
import type { VariableGroupView } from './variable-group.types';

interface GroupRow {
  pk: string;
  id: string;
  name: string;
  description: string | null;
  fields: string[];
  size: string;
}

const SELECT = `SELECT g.pk, g.id, g.name, g.description, g.fields,
  (SELECT count(*) FROM variable_values v WHERE v.group_pk = g.pk) AS size FROM variable_groups g`;

function toView(row: GroupRow): VariableGroupView & { pk: string } {
  return { pk: row.pk, id: row.id, name: row.name, description: row.description, fields: row.fields, size: Number(row.size) };
}

/** Variable groups and their per-contact values in SQL; every statement is scoped by workspace. */
@Injectable()
export class VariableGroupRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(
    workspaceId: string,
    g: { id: string; name: string; description: string | null; fields: string[] },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string | undefined> {
    const rows: Array<{ pk: string }> = await manager.query(
      `INSERT INTO variable_groups (workspace_id, id, name, description, fields) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (workspace_id, id) DO NOTHING RETURNING pk`,
      [workspaceId, g.id, g.name, g.description, JSON.stringify(g.fields)],
    );
    return rows[0]?.pk;
  }

  /** The group's pk and fields, locked for the rest of the transaction; undefined when it does not exist. */
  async lockForUpdate(workspaceId: string, id: string, manager: EntityManager): Promise<{ pk: string; fields: string[] } | undefined> {
    const rows: Array<{ pk: string; fields: string[] }> = await manager.query(
      'SELECT pk, fields FROM variable_groups WHERE workspace_id = $1 AND id = $2 FOR UPDATE',
      [workspaceId, id],
    );
    return rows[0];
  }

  async setFields(pk: string, fields: string[], manager: EntityManager): Promise<void> {
    await manager.query('UPDATE variable_groups SET fields = $2::jsonb, updated_at = now() WHERE pk = $1', [pk, JSON.stringify(fields)]);
  }

  async pkOf(workspaceId: string, id: string): Promise<string | undefined> {
    const rows: Array<{ pk: string }> = await this.dataSource.query('SELECT pk FROM variable_groups WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      id,
    ]);
    return rows[0]?.pk;
  }

  async list(workspaceId: string): Promise<Array<VariableGroupView & { pk: string }>> {
    const rows: GroupRow[] = await this.dataSource.query(`${SELECT} WHERE g.workspace_id = $1 ORDER BY g.created_at, g.pk`, [workspaceId]);
    return rows.map(toView);
  }

  async find(workspaceId: string, id: string): Promise<(VariableGroupView & { pk: string }) | undefined> {
    const rows: GroupRow[] = await this.dataSource.query(`${SELECT} WHERE g.workspace_id = $1 AND g.id = $2`, [workspaceId, id]);
    return rows[0] && toView(rows[0]);
  }

  /** Upserts values by contact id (new keys merge into existing rows); returns how many rows were new. */
  async upsertValues(
    groupPk: string,
    rows: ReadonlyArray<{ contactId: string; values: Attributes }>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ added: number; updated: number }> {
    if (rows.length === 0) return { added: 0, updated: 0 };
    const sorted = [...rows].sort((a, b) => Number(BigInt(a.contactId) - BigInt(b.contactId)));
    const result: Array<{ added: string; updated: string }> = await manager.query(
      `WITH up AS (
         INSERT INTO variable_values (group_pk, contact_id, values)
         SELECT $1, t.contact_id, t.values FROM unnest($2::bigint[], $3::jsonb[]) AS t(contact_id, values)
         ON CONFLICT (group_pk, contact_id) DO UPDATE SET values = variable_values.values || EXCLUDED.values, updated_at = now()
         RETURNING (xmax = 0) AS created)
       SELECT count(*) FILTER (WHERE created) AS added, count(*) FILTER (WHERE NOT created) AS updated FROM up`,
      [groupPk, sorted.map((r) => r.contactId), sorted.map((r) => JSON.stringify(r.values))],
    );
    return { added: Number(result[0]!.added), updated: Number(result[0]!.updated) };
  }

  /** Merges one field's value per (group, contact), across groups, in one statement (replies to input buttons). */
  async mergeFields(manager: EntityManager, rows: ReadonlyArray<{ groupPk: string; contactId: string; field: string; value: string }>): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO variable_values (group_pk, contact_id, values)
       SELECT DISTINCT ON (group_pk, contact_id) group_pk, contact_id, jsonb_build_object(field, value)
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS v(group_pk, contact_id, field, value, ord)
        ORDER BY group_pk, contact_id, ord DESC
       ON CONFLICT (group_pk, contact_id) DO UPDATE SET values = variable_values.values || EXCLUDED.values, updated_at = now()`,
      [rows.map((r) => r.groupPk), rows.map((r) => r.contactId), rows.map((r) => r.field), rows.map((r) => r.value)],
    );
  }

  /** A page of value rows in contact order after `afterContactId`, optionally for one number. */
  async values(
    groupPk: string,
    afterContactId: string,
    limit: number,
    number?: string,
  ): Promise<Array<{ contact_id: string; number: string; values: Attributes }>> {
    return this.dataSource.query(
      `SELECT v.contact_id, c.number, v.values FROM variable_values v JOIN contacts c ON c.id = v.contact_id
        WHERE v.group_pk = $1 AND v.contact_id > $2 ${number === undefined ? '' : 'AND c.number = $3'}
        ORDER BY v.contact_id LIMIT ${Math.trunc(limit)}`,
      number === undefined ? [groupPk, afterContactId] : [groupPk, afterContactId, number],
    );
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH d AS (DELETE FROM variable_groups WHERE workspace_id = $1 AND id = $2 RETURNING pk),
            v AS (DELETE FROM variable_values WHERE group_pk IN (SELECT pk FROM d))
       SELECT count(*)::int AS n FROM d`,
      [workspaceId, id],
    );
    return rows[0]!.n > 0;
  }
}
