import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CampaignsService, ChunkSender, RecipientRepository, RunStarter } from '@herald/campaigns';
import { startPipeline, type PipelineHarness } from './support/pipeline-harness';

/**
 * What a recipient's status webhooks cost Postgres: Meta sends `sent`, `delivered` and `read` for every send, and
 * each changes only the row's status and times. No index of campaign_recipients reads those columns, so Postgres
 * writes each as a heap-only (HOT) update, with no new index entry (docs/adr/0010-heap-only-status-updates.md).
 * An index that read `status` or `updated_at` again would make every one of them a full update: this spec fails.
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-recipient-statuses`;

describe("a campaign recipient's status webhooks", () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await startPipeline(PREFIX, { CAMPAIGN_CHUNK_SIZE: '10' });
  }, 30_000);

  afterAll(async () => {
    await h?.close();
  });

  it('are applied as heap-only updates: the row changes, no index entry is written', async () => {
    const ws = await h.workspace('Heap-only statuses');
    const numbers = Array.from({ length: 10 }, (_, i) => `+4474029${String(i).padStart(5, '0')}`);
    const campaignId = await h.approvedCampaign(ws.workspaceId, 'Heap-only statuses', numbers, 'everyone');
    const campaigns = h.get(CampaignsService);
    const { runId } = await campaigns.createRun(ws.workspaceId, campaignId, { audiences: ['everyone'] });
    expect(await h.get(RunStarter).start(runId)).toBe('running');
    expect(await h.get(ChunkSender).send(runId, 0)).toEqual({ state: 'done' });
    const sent: Array<{ provider_message_id: string }> = await h.db.query(
      `SELECT provider_message_id FROM campaign_recipients WHERE run_id = $1 AND status = 'accepted' ORDER BY id`,
      [runId],
    );
    expect(sent).toHaveLength(10);

    const recipients = h.get(RecipientRepository);
    // Other specs' rows share the lane's database and its pages: a version finds room on its page only when the dead
    // ones are gone, as autovacuum and page pruning keep them in production.
    await h.db.query('VACUUM campaign_recipients');
    // Each status in a transaction of its own, as the applier applies each batch. What it wrote is read from the
    // session's own counts, which no other session touches, before and after the statement.
    const counted = { updated: 0, hot: 0 };
    for (const status of ['sent', 'delivered', 'read'] as const) {
      await h.db.transaction(async (manager) => {
        const counts = async () =>
          ((await manager.query(
            `SELECT pg_stat_get_xact_tuples_updated(c.oid) AS updated, pg_stat_get_xact_tuples_hot_updated(c.oid) AS hot
               FROM pg_class c WHERE c.oid = 'campaign_recipients'::regclass`,
          )) as Array<{ updated: string; hot: string }>)[0]!;
        const before = await counts();
        const applied = await recipients.applyStatuses(
          manager,
          sent.map((s) => ({
            workspaceId: ws.workspaceId,
            providerMessageId: s.provider_message_id,
            callbackData: null,
            status,
            at: new Date(),
            error: null,
            pricing: status === 'sent' ? { billable: true, category: 'marketing', pricingModel: 'PMP', type: 'regular' } : null,
          })),
        );
        expect(applied).toMatchObject({ matched: 10, updated: 10 });
        const after = await counts();
        counted.updated += Number(after.updated) - Number(before.updated);
        counted.hot += Number(after.hot) - Number(before.hot);
      });
    }
    // A version is heap-only when no indexed value changed *and* its page had room: the first is what this guards,
    // the second Postgres' (on a page another spec filled, one may not fit). Before, none was.
    expect(counted.updated).toBe(30);
    expect(counted.hot).toBeGreaterThanOrEqual(27);

    // …and the run reads them as a user would: every recipient read, counted so.
    const run = await campaigns.getRun(ws.workspaceId, campaignId, runId);
    expect(run.counts).toMatchObject({ read: 10 });
  });

  it('are kept out of every index: no index reads a column the status statement writes', async () => {
    // The columns `statusUpdateSql` (libs/sending) sets on a send; provider_message_id and accepted_at keep their
    // value once the answer is recorded.
    const written = ['status', 'updated_at', 'sent_at', 'delivered_at', 'read_at', 'failed_at', 'error', 'pricing'];
    const read: Array<{ index: string; column: string }> = await h.db.query(
      `SELECT i.indexrelid::regclass::text AS index, a.attname AS column
         FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE i.indrelid = 'campaign_recipients'::regclass
          AND (a.attnum = ANY (i.indkey)
               OR COALESCE(pg_get_expr(i.indpred, i.indrelid), '') ~ ('\\m' || a.attname || '\\M')
               OR COALESCE(pg_get_expr(i.indexprs, i.indrelid), '') ~ ('\\m' || a.attname || '\\M'))
        ORDER BY 1, 2`,
    );
    // The check reads what it should: the generated columns and the keys are found.
    expect(read).toEqual(
      expect.arrayContaining([
        { index: 'idx_campaign_recipients_unfinished', column: 'open_status' },
        { index: 'idx_campaign_recipients_in_doubt', column: 'in_doubt_since' },
        { index: 'uq_campaign_recipients_provider_id', column: 'provider_message_id' },
      ]),
    );
    expect(read.filter((r) => written.includes(r.column))).toEqual([]);
  });
});
