import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { WebhookRepository } from '@herald/provider-events';
import { startPipeline, type PipelineHarness } from './support/pipeline-harness';

/**
 * Webhook intake as the API stores bodies: those that arrive together go into webhook_events by one INSERT and one
 * commit (`GroupWrite`), and each caller still gets its own answer — its event's id, or why its body was refused —
 * while a refused body takes none of the others down with it.
 */
const PREFIX = `${process.env.REDIS_PREFIX ?? 'herald-test'}-webhook-intake`;

describe('webhook intake', () => {
  let h: PipelineHarness;
  let channelId: string;

  beforeAll(async () => {
    h = await startPipeline(PREFIX);
    ({ channelId } = await h.workspace('Webhook intake'));
  }, 30_000);

  afterAll(async () => {
    await h?.close();
  });

  const stored = (ids: string[]): Promise<Array<{ id: string; body: unknown; received_at: Date; channel_id: string }>> =>
    h.db.query('SELECT id::text AS id, body, received_at, channel_id FROM webhook_events WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);

  it('stores bodies posted together by one statement, each with its own id and arrival time', async () => {
    const events = h.get(WebhookRepository);
    const arrived = Array.from({ length: 12 }, (_, i) => new Date(Date.now() - 60_000 + i * 1_000));
    const statements = await countInserts(h, () =>
      Promise.all(arrived.map((at, i) => events.store(channelId, JSON.stringify({ n: i, object: 'whatsapp_business_account' }), at))),
    );
    const answers = statements.result;
    expect(answers.every((a) => 'id' in a)).toBe(true);
    const ids = answers.map((a) => (a as { id: string }).id);
    expect(new Set(ids).size).toBe(12);
    const rows = await stored(ids);
    // Each caller's id is the row of its own body, received when that body arrived.
    for (let i = 0; i < 12; i++) {
      const row = rows.find((r) => r.id === ids[i])!;
      expect(row.body).toEqual({ n: i, object: 'whatsapp_business_account' });
      expect(row.received_at.getTime()).toBe(arrived[i]!.getTime());
      expect(row.channel_id).toBe(channelId);
    }
    expect(statements.inserts).toBe(1);
  });

  it('refuses only the bodies Postgres cannot read, and stores the others posted with them', async () => {
    const events = h.get(WebhookRepository);
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const bodies = ['{"n":0}', 'not json', '{"n":2,"text":"a\\u0000b"}', deep, '{"n":4}'];
    const answers = await Promise.all(bodies.map((json) => events.store(channelId, json, new Date())));
    expect(answers.map((a) => ('refused' in a ? a.refused : 'stored'))).toEqual(['stored', 'not_json', 'stored', 'too_deep', 'stored']);
    const ids = answers.flatMap((a) => ('id' in a ? [a.id] : []));
    const rows = await stored(ids);
    expect(rows.map((r) => r.body)).toEqual([{ n: 0 }, { n: 2, text: 'a\ufffdb' }, { n: 4 }]);
  });

  it('gives an arrival in the future the time Postgres received it', async () => {
    const events = h.get(WebhookRepository);
    const future = new Date(Date.now() + 3_600_000);
    const answers = await Promise.all([events.store(channelId, '{"late":1}', future), events.store(channelId, '{"late":2}', new Date())]);
    const rows = await stored(answers.map((a) => (a as { id: string }).id));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.received_at.getTime()).toBeLessThan(Date.now() + 1_000);
  });
});

/** Runs `work` and counts the INSERT statements into webhook_events it made through the data source. */
async function countInserts<T>(h: PipelineHarness, work: () => Promise<T>): Promise<{ result: T; inserts: number }> {
  const spy = jest.spyOn(h.db, 'query');
  try {
    const result = await work();
    const inserts = spy.mock.calls.filter(([sql]) => typeof sql === 'string' && sql.startsWith('INSERT INTO webhook_events')).length;
    return { result, inserts };
  } finally {
    spy.mockRestore();
  }
}
