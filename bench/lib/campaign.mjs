// Campaign-shaped work for the benchmarks: a workspace, contacts seeded in SQL (set-based, not part of what is
// measured), a channel on the simulator, a campaign whose template the simulator approves, runs, and the truth
// about a run read from Postgres and from the simulator's own counts.
import { call, fmt, int, request, sleep, waitFor } from './harness.mjs';

export const WABA_ID = '102290129340411';
export const ACCESS_TOKEN = 'EAAG-bench-token';
export const APP_SECRET = 'bench-app-secret';
const TERMINAL = ['completed', 'cancelled', 'failed'];

/** Numbers +91 9xxxxxxxxx from `offset`: distinct, valid Indian mobiles. */
export const numberSql = (expr) => `'+919' || lpad((${expr})::text, 9, '0')`;

export class Api {
  constructor(url, adminToken) {
    this.url = url;
    this.adminToken = adminToken;
  }

  async workspace(name = 'Bench') {
    const ws = await call(this.url, 'POST', '/v1/workspaces', { headers: { 'x-admin-token': this.adminToken }, body: { name } });
    this.key = ws.apiKey;
    this.workspaceId = ws.id;
    return ws;
  }

  get(path) {
    return call(this.url, 'GET', path, { headers: { 'x-api-key': this.key } });
  }

  post(path, body = {}) {
    return call(this.url, 'POST', path, { headers: { 'x-api-key': this.key }, body });
  }

  raw(method, path, body) {
    return request(this.url, method, path, { headers: { 'x-api-key': this.key }, body });
  }
}

/**
 * `count` contacts (numbers from `offset`) in audience `audience`, inserted in one statement: the benchmarks
 * measure runs, not imports (bench/import.mjs measures those).
 */
export async function seedAudience(pg, workspaceId, audience, count, { offset = 0, timezone = 'Asia/Kolkata' } = {}) {
  const [{ pk }] = (
    await pg.query(
      `INSERT INTO audiences (workspace_id, id, name) VALUES ($1, $2, $2)
       ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name RETURNING pk`,
      [workspaceId, audience],
    )
  ).rows;
  await pg.query(
    `WITH c AS (
       INSERT INTO contacts (workspace_id, number, name, timezone)
       SELECT $1, ${numberSql('$3::bigint + g')}, 'Guest ' || g, $4 FROM generate_series(0, $2::bigint - 1) AS g
       ON CONFLICT (workspace_id, number) DO UPDATE SET name = EXCLUDED.name
       RETURNING id)
     INSERT INTO audience_members (audience_pk, contact_id) SELECT $5, id FROM c ON CONFLICT DO NOTHING`,
    [workspaceId, count, offset, timezone, pk],
  );
  await pg.query('ANALYZE contacts; ANALYZE audience_members');
  return pk;
}

/** Registers (or re-registers) `phone` with the simulator; without `webhookUrl` it posts no webhooks at all. */
export function registerPhone(sim, phone, rate, webhookUrl) {
  return call(sim.url, 'PUT', `/_sim/phone-numbers/${phone}`, {
    body: {
      wabaId: WABA_ID,
      displayPhoneNumber: `1555${phone.slice(-7)}`,
      accessToken: ACCESS_TOKEN,
      appSecret: APP_SECRET,
      messagesPerSecond: rate,
      ...(webhookUrl ? { webhookUrl } : {}),
    },
  });
}

/**
 * A channel on the simulator's number `phone`. `rate` above the API's 1,000/s (Meta's highest tier) is set in
 * SQL: that is "limits out of the way" for throughput runs. The simulator posts its webhooks to the API; a
 * benchmark that wants no status webhooks calls `registerPhone(sim, phone, rate)` once its template is approved.
 */
export async function addChannel(api, sim, pg, { phone, rate = 80, tier = 'unlimited' }) {
  const created = await api.post('/v1/channels', {
    type: 'whatsapp',
    name: `Simulated ${phone}`,
    phoneNumberId: phone,
    displayPhoneNumber: `+1 555 ${phone.slice(-7, -4)} ${phone.slice(-4)}`,
    wabaId: WABA_ID,
    accessToken: ACCESS_TOKEN,
    appSecret: APP_SECRET,
    verifyToken: 'bench-verify',
    graphBaseUrl: `${sim.url}/v26.0`,
    messagesPerSecond: Math.min(rate, 1000),
    messagingTier: tier,
  });
  if (rate > 1000) await pg.query('UPDATE channels SET messages_per_second = $2 WHERE id = $1', [created.id, rate]);
  // Template decisions reach the API by webhook too, so register the webhook URL first in any case.
  await registerPhone(sim, phone, rate, `${api.url}/webhooks/whatsapp/${created.id}`);
  return created.id;
}

/** A campaign with one `{{name}}` variable and a quick reply, its template approved by the simulator. */
export async function approvedCampaign(api, channelId, title = 'Bench offer') {
  const created = await api.post('/v1/campaigns', {
    title,
    message: 'Hi {{name}}, this week only: 20 % off everything.',
    buttons: [{ text: 'Stop', type: 'journey', journeyId: 'stop' }],
    channelId,
  });
  const status = await waitFor(
    'the template to be decided',
    async () => {
      const c = await api.get(`/v1/campaigns/${created.campaignId}`);
      return c.templateStatus !== 'PENDING' && c.templateStatus;
    },
    60_000,
    200,
  );
  if (status !== 'APPROVED') throw new Error(`template ${status}`);
  return created.campaignId;
}

/**
 * A utility template `name` (en_US, no variables) stored at the simulator as APPROVED and read by Herald
 * (`POST /v1/templates/sync`): what single messages to the channel can send.
 */
export async function approvedTemplate(api, sim, channelId, name) {
  await call(sim.url, 'PUT', '/_sim/templates', {
    body: { wabaId: WABA_ID, name, language: 'en_US', category: 'UTILITY', status: 'APPROVED', components: [{ type: 'BODY', text: 'Your order has shipped.' }] },
  });
  await api.post('/v1/templates/sync', {});
  await waitFor(
    `template ${name} approved in Herald`,
    async () => (await api.get(`/v1/templates?channelId=${channelId}&status=APPROVED`)).data.some((t) => t.name === name),
    30_000,
    200,
  );
}

/** Starts a run; `timeToRun` is a Date or undefined (now). Returns { runId, requestedAt }. */
export async function startRun(api, campaignId, audiences, timeToRun) {
  const requestedAt = Date.now();
  const res = await api.post(`/v1/campaigns/${campaignId}/runs`, {
    audiences,
    ...(timeToRun ? { timeToRun: timeToRun.toISOString() } : {}),
  });
  return { runId: res.runId ?? res.id, requestedAt };
}

export async function waitRun(api, campaignId, runId, { timeoutMs = 30 * 60_000, onTick, everyMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await api.get(`/v1/campaigns/${campaignId}/runs/${runId}`).catch((error) => ({ status: 'unknown', error }));
    if (TERMINAL.includes(run.status)) return run;
    if (onTick) await onTick(run);
    if (Date.now() > deadline) throw new Error(`run ${runId} not finished within ${timeoutMs / 1000} s (status ${run.status})`);
    await sleep(everyMs);
  }
}

/**
 * The run as Postgres has it: recipients by status, first claim and last acceptance, and how many were
 * never settled (queued or sending).
 */
export async function runTruth(pg, runId) {
  const byStatus = Object.fromEntries(
    (
      await pg.query('SELECT status, count(*)::int AS n FROM campaign_recipients WHERE run_id = $1 GROUP BY status', [runId])
    ).rows.map((r) => [r.status, r.n]),
  );
  const [times] = (
    await pg.query(
      `SELECT min(sending_at) AS first_claim, max(accepted_at) AS last_accept, min(accepted_at) AS first_accept,
              count(*) FILTER (WHERE accepted_at IS NOT NULL)::int AS accepted,
              count(DISTINCT provider_message_id)::int AS distinct_ids,
              count(*)::int AS total
       FROM campaign_recipients WHERE run_id = $1`,
      [runId],
    )
  ).rows;
  const buckets = (
    await pg.query('SELECT bucket, sum(n)::int AS n FROM campaign_run_counts WHERE run_id = $1 GROUP BY 1 HAVING sum(n) <> 0', [
      runId,
    ])
  ).rows;
  // Status buckets, and apart the billable ones (`billable:<pricing category>`), which count what the rows' pricing says.
  const counts = Object.fromEntries(buckets.filter((r) => !r.bucket.startsWith('billable:')).map((r) => [r.bucket, r.n]));
  const billable = Object.fromEntries(buckets.filter((r) => r.bucket.startsWith('billable:')).map((r) => [r.bucket, r.n]));
  const billableByRows = Object.fromEntries(
    (
      await pg.query(
        `SELECT 'billable:' || coalesce(pricing->>'category', 'other') AS bucket, count(*)::int AS n FROM campaign_recipients
          WHERE run_id = $1 AND (pricing->>'billable')::boolean GROUP BY 1`,
        [runId],
      )
    ).rows.map((r) => [r.bucket, r.n]),
  );
  return {
    byStatus,
    counts,
    billable,
    billableByRows,
    total: times.total,
    accepted: times.accepted,
    distinctIds: times.distinct_ids,
    firstClaim: times.first_claim,
    firstAccept: times.first_accept,
    lastAccept: times.last_accept,
    unsettled: (byStatus.queued ?? 0) + (byStatus.sending ?? 0),
  };
}

export async function simStats(sim) {
  return call(sim.url, 'GET', '/_sim/stats');
}

/** The simulator's own figures for `phone`: accepted sends and callback data seen twice (any number). */
export async function simTruth(sim, phone) {
  const stats = await simStats(sim);
  return {
    accepted: stats.accepted.byPhoneNumberId?.[phone] ?? 0,
    duplicates: stats.callbackData.duplicates,
    violations: stats.throttle.violations,
    stats,
  };
}

/**
 * One refusal of the simulator's `throttle.refusals` as text: what its number's window held ("1,000 in 996.0 ms after
 * a 23.0 ms pause, 9 together"). A pause then a burst of about pause × rate is sends held up on their way and counted
 * together; sends simply too close show neither. A stall of the simulator itself in that pause is named with it.
 */
export function refusalText(refusal, limit) {
  const pause = refusal.pauseBeforeMs === null ? 'with no pause before' : `after a ${fmt(refusal.pauseBeforeMs, 1)} ms pause`;
  // The simulator stamps a send when its event loop gets to it: a stall of its own there stamped the held sends together.
  const stall = refusal.simulatorStallMs > 0 ? `; the simulator itself stood still ${fmt(refusal.simulatorStallMs, 0)} ms there` : '';
  return `${int(limit)} in ${fmt(refusal.spanMs, 1)} ms ${pause}, ${refusal.burstAtStart} together${stall}`;
}

/** Sets simulator configuration (deep-merged by the simulator). */
export function simConfig(sim, config) {
  return call(sim.url, 'PUT', '/_sim/config', { body: config });
}

/**
 * The chaos scenarios' verdict on finished runs: every recipient in a terminal state (none queued or sending:
 * 0 lost), the simulator accepted no callback data twice (0 duplicated), and it accepted for `phone` exactly
 * as many sends as Postgres recorded as accepted.
 */
export async function settledChecks(figures, pg, sim, runIds, phone) {
  let unsettled = 0;
  let accepted = 0;
  for (const runId of runIds) {
    const truth = await runTruth(pg, runId);
    unsettled += truth.unsettled;
    accepted += truth.accepted;
  }
  const s = await simTruth(sim, phone);
  figures.add('lost (recipients not in a terminal state)', unsettled, '= 0', unsettled === 0);
  figures.add('duplicated (callback data accepted twice)', s.duplicates, '= 0', s.duplicates === 0);
  figures.check('simulator accepted = Postgres accepted', s.accepted, accepted);
  return { unsettled, duplicates: s.duplicates, accepted, simAccepted: s.accepted };
}
