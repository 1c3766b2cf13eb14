import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { LinkClickEntry, LinkTarget, PendingClick } from './links.types';

/** A link row to insert, its code already drawn. */
export interface NewLinkRow {
  readonly code: string;
  readonly destination: string;
  readonly sendRef: string;
  readonly runId: string | null;
}

/** Tracked links and their clicks (`tracked_links`, `link_clicks`): the only SQL that touches them. */
@Injectable()
export class LinkRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Inserts the rows in one statement (arrays unnested: one parameter per column whatever the count) and returns
   * the codes inserted. A code that is already taken is skipped, not an error: the caller draws another for it.
   */
  async insertLinks(workspaceId: string, rows: readonly NewLinkRow[], manager?: EntityManager): Promise<Set<string>> {
    const inserted: Array<{ code: string }> = await (manager ?? this.dataSource).query(
      `INSERT INTO tracked_links (code, workspace_id, destination, send_ref, run_id)
       SELECT t.code, $1, t.destination, t.send_ref, t.run_id
         FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[]) AS t(code, destination, send_ref, run_id)
       ON CONFLICT (code) DO NOTHING
       RETURNING code`,
      [workspaceId, rows.map((r) => r.code), rows.map((r) => r.destination), rows.map((r) => r.sendRef), rows.map((r) => r.runId)],
    );
    return new Set(inserted.map((r) => r.code));
  }

  /** What each of these codes redirects to; codes no link has are absent. */
  async targets(codes: readonly string[]): Promise<Map<string, LinkTarget>> {
    const rows: Array<{ code: string; destination: string; workspace_id: string; send_ref: string; run_id: string | null }> =
      await this.dataSource.query(
        'SELECT code, destination, workspace_id, send_ref, run_id FROM tracked_links WHERE code = ANY($1::text[])',
        [codes],
      );
    return new Map(
      rows.map((r) => [r.code, { destination: r.destination, workspaceId: r.workspace_id, sendRef: r.send_ref, runId: r.run_id }]),
    );
  }

  /** Writes a batch of clicks in one statement. */
  async insertClicks(clicks: readonly PendingClick[], manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource).query(
      `INSERT INTO link_clicks (code, workspace_id, send_ref, run_id, clicked_at, user_agent)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[], $6::text[])`,
      [
        clicks.map((c) => c.code),
        clicks.map((c) => c.workspaceId),
        clicks.map((c) => c.sendRef),
        clicks.map((c) => c.runId),
        clicks.map((c) => c.clickedAt.toISOString()),
        clicks.map((c) => c.userAgent),
      ],
    );
  }

  /** Per run of the workspace that has clicks: unique sends clicked, and clicks. */
  async runClicks(workspaceId: string, runIds: readonly string[]): Promise<Array<{ runId: string; clicked: number; clicks: number }>> {
    const rows: Array<{ run_id: string; clicked: string; clicks: string }> = await this.dataSource.query(
      `SELECT run_id, count(DISTINCT send_ref) AS clicked, count(*) AS clicks
         FROM link_clicks
        WHERE run_id = ANY($2::uuid[]) AND workspace_id = $1
        GROUP BY run_id`,
      [workspaceId, runIds],
    );
    return rows.map((r) => ({ runId: r.run_id, clicked: Number(r.clicked), clicks: Number(r.clicks) }));
  }

  /** Per send of the workspace that has clicks: its first click's time, and clicks. */
  async sendClicks(workspaceId: string, sendRefs: readonly string[]): Promise<Array<{ sendRef: string; firstClickedAt: Date; clicks: number }>> {
    const rows: Array<{ send_ref: string; first_clicked_at: Date; clicks: string }> = await this.dataSource.query(
      `SELECT send_ref, min(clicked_at) AS first_clicked_at, count(*) AS clicks
         FROM link_clicks
        WHERE send_ref = ANY($2::text[]) AND workspace_id = $1
        GROUP BY send_ref`,
      [workspaceId, sendRefs],
    );
    return rows.map((r) => ({ sendRef: r.send_ref, firstClickedAt: r.first_clicked_at, clicks: Number(r.clicks) }));
  }

  /** A send's clicks, oldest first, with the link each was on. */
  async timeline(workspaceId: string, sendRef: string, limit: number): Promise<LinkClickEntry[]> {
    const rows: Array<{ code: string; destination: string; clicked_at: Date; user_agent: string | null }> = await this.dataSource.query(
      `SELECT c.code, l.destination, c.clicked_at, c.user_agent
         FROM link_clicks c JOIN tracked_links l ON l.code = c.code
        WHERE c.send_ref = $2 AND c.workspace_id = $1
        ORDER BY c.clicked_at, c.id
        LIMIT $3`,
      [workspaceId, sendRef, limit],
    );
    return rows.map((r) => ({ code: r.code, destination: r.destination, clickedAt: r.clicked_at, userAgent: r.user_agent }));
  }
}
