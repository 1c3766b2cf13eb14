#!/usr/bin/env node
// Benchmark (not a test): what applying a send's statuses costs Postgres, one status at a time or coalesced.
//
//   node bench/status-apply.mjs                  # 30,000 sends per case, each case twice; no targets
//   node bench/status-apply.mjs --sends 100000 --rounds 3
//   node bench/status-apply.mjs --smoke          # 2,000 sends, once (CI)
//
// Meta sends `sent`, `delivered` and `read` for every send, seconds apart. Herald applies statuses in batches
// (WebhookApplier, the campaigns library's status statement, `statusUpdateSql`), and a status update writes a new
// version of the recipient's row and runs the per-run counting trigger; since migration 1797500000000 no index
// reads the columns a status changes, so the new version is heap-only (no index entry) when its page has room
// (docs/adr/0010-heap-only-status-updates.md; the share is printed). This measures, on the benchmark's own
// database with the real migrations, the CPU of the Postgres backend applying the statuses of N accepted
// campaign recipients:
//
// - apart: the three statuses in three passes (sent for all, then delivered, then read), in batches of 3,600;
// - coalesced: the three statuses of each send in the same batch (what WEBHOOK_APPLY_DELAY_MS gives when they
//   arrive within it), batches of 3,600 statuses;
// - single messages, apart: the same three passes over N accepted rows of `messages` (single messages and `to[]`
//   blasts), whose `delivered` and `read` are heap-only since migration 1797600000000 (its `sent` moves a message
//   between the evidence indexes of sends in doubt). The statement is the messages library's status statement
//   without its event columns (what it returns for callbacks), so it is the row work alone.
//
// The cases alternate (apart, coalesced, apart, …) on fresh rows, so a busy machine weighs on both alike;
// compare them within one run. Checks: every recipient `read` and counted so, and billable counts = N.
//
// Also the intake's part: storing webhook bodies of 100 statuses (≈ 33 KB, as Meta batches them) and taking
// them back (DELETE … RETURNING, as the applier's claim does), in a `jsonb` column and in a `json` one
// (webhook_events.body is `json` since 2026-12-03), alternating, in a scratch table.
import { randomUUID } from 'node:crypto';
import { Bench, Figures, cpuSecondsOf, fmt, int, parseArgs, requireFromRoot, runBench } from './lib/harness.mjs';

const opts = parseArgs(
  process.argv.slice(2),
  { sends: 'int', rounds: 'int', smoke: 'bool', keep: 'bool' },
  'node bench/status-apply.mjs [--sends N] [--rounds N] [--smoke] [--keep]',
);
const SENDS = opts.sends ?? (opts.smoke ? 2_000 : 30_000);
const ROUNDS = opts.rounds ?? (opts.smoke ? 1 : 2);
const BATCH = 3_600;
const WORKSPACE = randomUUID();
const PRICING = { billable: true, category: 'marketing', pricingModel: 'PMP', type: 'regular' };

const { statusUpdateSql, statusParams } = requireFromRoot('./dist/libs/sending/src/send-status-sql.util.js');
const SQL = {
  campaign_recipients: statusUpdateSql('campaign_recipients', `CASE WHEN s.callback ~ '^r:[0-9]{1,18}$' THEN substring(s.callback from 3)::bigint END`),
  messages: statusUpdateSql('messages', `CASE WHEN s.callback ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN s.callback::uuid END`),
};

/** A `messages` webhook of 100 statuses as Meta posts them (with conversation and pricing). */
function webhookBody() {
  const statuses = Array.from({ length: 100 }, (_, i) => ({
    id: `wamid.HBgMOTE5${String(i).padStart(12, '0')}FQIAERgSMkQ5QjdFRkE3RjY5MzQ5NkQyAA==`,
    status: 'delivered',
    timestamp: '1764750000',
    recipient_id: `9190000${String(i).padStart(5, '0')}`,
    biz_opaque_callback_data: `r:${i + 1}`,
    conversation: { id: 'CONVERSATION_ID', origin: { type: 'marketing' } },
    pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' },
  }));
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000001', phone_number_id: '109000000000001' }, statuses };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] });
}

/** N accepted recipients of a run of their own, or N accepted single messages (not measured). */
async function seed(pg, runId, table) {
  if (table === 'messages') {
    await pg.query(
      `INSERT INTO messages (workspace_id, channel_id, contact_id, to_number, type, content, template_name, status, category,
                             provider_message_id, sending_at, accepted_at, attempts)
       SELECT $2::uuid, $1::uuid, g, '+1555' || lpad(g::text, 7, '0'), 'template', '{"template":{"name":"promo"}}', 'promo', 'accepted',
              'marketing', 'wamid.' || $1::text || '.' || g, now(), now(), 1
         FROM generate_series(1, $3::int) g`,
      [runId, WORKSPACE, SENDS],
    );
    await pg.query('VACUUM ANALYZE messages');
    return;
  }
  await pg.query(
    `INSERT INTO campaign_recipients (run_id, workspace_id, contact_id, to_number, timezone, chunk_no, status, marketing,
                                      provider_message_id, sending_at, accepted_at, attempts)
     SELECT $1::uuid, $2::uuid, g, '+1555' || lpad(g::text, 7, '0'), 'UTC', g / 1000, 'accepted', true,
            'wamid.' || $1::text || '.' || g, now(), now(), 1
       FROM generate_series(1, $3::int) g`,
    [runId, WORKSPACE, SENDS],
  );
  await pg.query('VACUUM ANALYZE campaign_recipients');
}

const statusRows = (runId, statuses) => {
  const rows = [];
  for (let g = 1; g <= SENDS; g++) {
    for (const status of statuses) {
      rows.push({ workspaceId: WORKSPACE, providerMessageId: `wamid.${runId}.${g}`, callbackData: null, status, at: new Date(), error: null, pricing: status === 'read' ? null : PRICING });
    }
  }
  return rows;
};

const ROW_VERSIONS = `SELECT pg_stat_get_xact_tuples_updated(c.oid)::int AS updated, pg_stat_get_xact_tuples_hot_updated(c.oid)::int AS hot
                        FROM pg_class c WHERE c.oid = $1::regclass`;

/**
 * Applies `rows` in batches as the applier does (one transaction each, JIT off); the backend's CPU seconds, and the
 * row updates it made and how many of them were heap-only (this session's own counts, read around each statement).
 */
async function apply(client, pid, rows, table) {
  let updated = 0;
  let hot = 0;
  const cpuBefore = cpuSecondsOf(pid);
  const started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) {
    await client.query('BEGIN');
    await client.query('SET LOCAL jit = off');
    const before = (await client.query(ROW_VERSIONS, [table])).rows[0];
    await client.query(SQL[table], statusParams(rows.slice(i, i + BATCH)));
    const after = (await client.query(ROW_VERSIONS, [table])).rows[0];
    await client.query('COMMIT');
    updated += after.updated - before.updated;
    hot += after.hot - before.hot;
  }
  return { cpu: cpuSecondsOf(pid) - cpuBefore, wall: (performance.now() - started) / 1000, updated, hot };
}

await runBench(new Bench('status-apply', { keep: opts.keep }), async (bench) => {
  await bench.setup();
  const pool = bench.pg(2);
  const client = await pool.connect();
  const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  await client.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'status-apply')`, [WORKSPACE]);
  const figures = new Figures('status-apply', `Status application — ${int(SENDS)} sends per case, ${ROUNDS} round(s)`);
  const cases = [
    ['apart: sent, then delivered, then read, in three passes', [['sent'], ['delivered'], ['read']], 'campaign_recipients'],
    ['coalesced: the three statuses of a send in one batch', [['sent', 'delivered', 'read']], 'campaign_recipients'],
    ['single messages, apart: sent, then delivered, then read', [['sent'], ['delivered'], ['read']], 'messages'],
  ];
  const cost = new Map(cases.map(([name]) => [name, []]));
  const runs = [];
  const messageRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, passes, table] of cases) {
      const runId = randomUUID();
      if (table === 'campaign_recipients') runs.push(runId);
      else messageRuns.push(runId);
      await seed(pool, runId, table);
      let cpu = 0;
      let wall = 0;
      let updated = 0;
      let hot = 0;
      for (const statuses of passes) {
        const took = await apply(client, pid, statusRows(runId, statuses), table);
        cpu += took.cpu;
        wall += took.wall;
        updated += took.updated;
        hot += took.hot;
      }
      cost.get(name).push({ cpu, wall, updated, hot });
      bench.say(`${name}: ${fmt((cpu * 1e6) / SENDS)} µs per send (wall ${fmt(wall, 2)} s), ${int(hot)} of ${int(updated)} row updates heap-only`);
    }
  }
  const body = webhookBody();
  const bodies = opts.smoke ? 100 : 600;
  const store = new Map([['jsonb', []], ['json', []]]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const type of ['jsonb', 'json']) {
      await client.query(`DROP TABLE IF EXISTS bench_bodies; CREATE TABLE bench_bodies (id bigserial PRIMARY KEY, body ${type} NOT NULL)`);
      const before = cpuSecondsOf(pid);
      for (let i = 0; i < bodies; i++) await client.query(`INSERT INTO bench_bodies (body) VALUES ($1::${type}) RETURNING id`, [body]);
      const taken = await client.query('DELETE FROM bench_bodies RETURNING id, body');
      if (taken.rows.length !== bodies) throw new Error(`took back ${taken.rows.length} bodies of ${bodies}`);
      store.get(type).push(((cpuSecondsOf(pid) - before) * 1e6) / (bodies * 100));
    }
  }
  await client.query('DROP TABLE bench_bodies');
  client.release();
  for (const [type, values] of store) figures.add(`Postgres CPU per status, webhook body stored and taken back as ${type}`, `${values.map((v) => fmt(v)).join(' / ')} µs`);
  const perSend = (name) => cost.get(name).map((c) => (c.cpu * 1e6) / SENDS);
  for (const [name] of cases) figures.add(`Postgres CPU per send, ${name}`, `${perSend(name).map((v) => fmt(v)).join(' / ')} µs`);
  for (const [name] of cases) {
    const share = cost.get(name).map((c) => (c.updated === 0 ? 0 : c.hot / c.updated));
    figures.add(`row updates heap-only (no index entry), ${name.split(':')[0]}`, share.map((v) => fmt(v, 2)).join(' / '));
  }
  const [apart, together] = cases.slice(0, 2).map(([name]) => perSend(name).reduce((a, b) => a + b, 0) / ROUNDS);
  figures.add('coalesced ÷ apart', fmt(together / apart, 2));
  figures.add('one row update (apart − coalesced, per update saved)', `${fmt((apart - together) / 2)} µs`);
  const counts = await pool.query(
    `SELECT bucket, sum(n)::int AS n FROM campaign_run_counts WHERE run_id = ANY($1::uuid[]) GROUP BY bucket ORDER BY bucket`,
    [runs],
  );
  const bucket = (b) => counts.rows.find((r) => r.bucket === b)?.n ?? 0;
  figures.check('recipients counted read', bucket('read'), SENDS * runs.length);
  figures.check('billable counted (marketing)', bucket('billable:marketing'), SENDS * runs.length);
  const read = await pool.query(`SELECT count(*)::int AS n FROM campaign_recipients WHERE run_id = ANY($1::uuid[]) AND status = 'read'`, [runs]);
  figures.check('recipients read', read.rows[0].n, SENDS * runs.length);
  const messagesRead = await pool.query(`SELECT count(*)::int AS n FROM messages WHERE channel_id = ANY($1::uuid[]) AND status = 'read'`, [messageRuns]);
  figures.check('single messages read', messagesRead.rows[0].n, SENDS * messageRuns.length);
  return figures.print([`batches of ${int(BATCH)} statuses, one backend; CPU from /proc of that backend`]);
});
