// Chaos: workers killed while single messages go out. What workers-killed does to a campaign run, for the other
// source of sends: messages posted to POST /v1/messages (`to` lists of 500, one message each) across 3 worker
// processes; every ~2 s the oldest worker is killed with SIGKILL — no drain, claimed messages left mid-flight — and a
// fresh one started. Then: every message reaches a final status (none queued, scheduled or sending: 0 lost), the
// provider took no message twice (its callback data is the message id: 0 sent twice), and it took exactly the
// messages Postgres records as accepted.
//
// Full: 20,000 messages on a number at 500 msg/s (≈ 40 s of sending), 10 kills. Smoke: 1,500 at 250 msg/s, 3 kills.
// Workers: CAMPAIGN_RECONCILE_INTERVAL_MS=2000 (the messages' sweep runs as often), SEND_UNCONFIRMED_AFTER_SECONDS=30
// (smoke 15): how long a message a killed worker claimed waits for its status webhook before it may be sent again on
// the evidence (production: 120). A message whose job died with its worker is taken again when BullMQ finds the job
// stalled, by another job's batch, or by the sweep; a claimed one that never left the worker is queued again by the
// sweep once the worker counts as gone (rule 5 of docs/adr/0009-sends-in-doubt.md).
import { fmt, int, sleep, stopProcess, waitFor } from '../lib/harness.mjs';
import { Api, addChannel, approvedTemplate, simTruth } from '../lib/campaign.mjs';

export const describe =
  '20,000 single messages (POST /v1/messages, lists of 500) across 3 workers; one killed with SIGKILL every ~2 s (10 times) and replaced; 0 lost, 0 sent twice';

const PHONE = '109000000000016';
const WORKERS = 3;
const KILL_EVERY_MS = 2_000;
const PER_REQUEST = 500;
const TEMPLATE = 'chaos_notice';
const OPEN = ['scheduled', 'queued', 'sending'];

export async function run({ bench, figures, smoke, say }) {
  const messages = smoke ? 1_500 : 20_000;
  const rate = smoke ? 250 : 500;
  const kills = smoke ? 3 : 10;
  const unconfirmedAfter = smoke ? 15 : 30;
  const workerEnv = { CAMPAIGN_RECONCILE_INTERVAL_MS: '2000', SEND_UNCONFIRMED_AFTER_SECONDS: String(unconfirmedAfter) };

  await bench.setup();
  const pg = bench.pg();
  const sim = await bench.startSimulator();
  const { url } = await bench.startApi();
  const api = new Api(url, bench.adminToken);
  await api.workspace('Chaos: messages, workers killed');

  let started = 0;
  const startWorker = () => bench.startWorker(workerEnv, { name: `worker-${++started}` });
  const workers = [];
  for (let i = 0; i < WORKERS; i++) workers.push(await startWorker());

  // A utility template, approved at the provider and read by Herald (no quiet hours, no frequency cap apply).
  const channelId = await addChannel(api, sim, pg, { phone: PHONE, rate });
  await approvedTemplate(api, sim, channelId, TEMPLATE);

  const counts = async () => {
    const { rows } = await pg.query(
      `SELECT count(*) FILTER (WHERE accepted_at IS NOT NULL)::int AS accepted,
              count(*) FILTER (WHERE status = ANY($2::text[]))::int AS open,
              count(*)::int AS total
         FROM messages WHERE channel_id = $1`,
      [channelId, OPEN],
    );
    return rows[0];
  };

  // Every message is posted before the kills begin: the API is not what is tested, the workers are.
  const postedAt = Date.now();
  let ids = 0;
  for (let first = 0; first < messages; first += PER_REQUEST) {
    const to = Array.from({ length: Math.min(PER_REQUEST, messages - first) }, (_, i) => `+919${String(200_000_000 + first + i).padStart(9, '0')}`);
    const res = await api.post('/v1/messages', { to, type: 'template', template: { name: TEMPLATE, language: 'en_US' } });
    if ((res.refused ?? []).length > 0) throw new Error(`numbers refused: ${JSON.stringify(res.refused.slice(0, 3))}`);
    ids += res.messages.length;
  }
  say(`${int(ids)} messages posted in ${fmt((Date.now() - postedAt) / 1000)} s`);
  await waitFor('2 % of the messages accepted', async () => (await counts()).accepted >= messages * 0.02, 300_000, 100);

  const log = [];
  let lastKillAt = 0;
  for (let k = 1; k <= kills; k++) {
    const killAt = Date.now();
    const victim = workers.shift();
    const { accepted } = await counts();
    victim.kill('SIGKILL');
    await victim.exited;
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM messages WHERE channel_id = $1 AND status = 'sending'`, [channelId]);
    lastKillAt = Date.now();
    log.push({ k, accepted, sendingAfter: rows[0].n, at: killAt });
    say(`kill ${k}/${kills}: ${victim.label} (SIGKILL) with ${int(accepted)} of ${int(messages)} accepted, ${int(rows[0].n)} sending`);
    workers.push(await startWorker());
    if (k < kills) await sleep(Math.max(0, KILL_EVERY_MS - (Date.now() - killAt)));
  }
  const duringSending = log.filter((l) => l.accepted > 0 && l.accepted < messages).length;

  let toldAt = 0;
  await waitFor(
    'every message in a final status',
    async () => {
      const c = await counts();
      if (Date.now() - toldAt > 5_000) {
        toldAt = Date.now();
        say(`${int(c.accepted)} of ${int(messages)} accepted, ${int(c.open)} not final`);
      }
      return c.open === 0;
    },
    (smoke ? 4 : 10) * 60_000,
    500,
  ).catch((error) => say(String(error instanceof Error ? error.message : error)));
  const settledAt = Date.now();

  const final = await counts();
  const { rows: byStatus } = await pg.query('SELECT status, count(*)::int AS n FROM messages WHERE channel_id = $1 GROUP BY 1 ORDER BY 2 DESC', [channelId]);
  const { rows: times } = await pg.query(
    `SELECT min(sending_at) AS first_claim, max(accepted_at) AS last_accept, count(*) FILTER (WHERE attempts > 1)::int AS again,
            count(DISTINCT provider_message_id)::int AS distinct_ids
       FROM messages WHERE channel_id = $1`,
    [channelId],
  );
  const sending = (times[0].last_accept - times[0].first_claim) / 1000;
  const s = await simTruth(sim, PHONE);

  figures.add('messages; channel rate', `${int(messages)} in lists of ${PER_REQUEST}; ${int(rate)} msg/s`);
  figures.add('workers', `${WORKERS} at a time, ${started} started in all (CAMPAIGN_RECONCILE_INTERVAL_MS=2000, SEND_UNCONFIRMED_AFTER_SECONDS=${unconfirmedAfter})`);
  figures.add('kills (SIGKILL) done', kills, `= ${kills}`, log.length === kills);
  figures.add('kills while messages were going out', duringSending, `= ${kills}`, duringSending === kills);
  figures.add('accepted at each kill', log.map((l) => `${fmt((100 * l.accepted) / messages, 0)} %`).join(', '));
  figures.add('messages sending right after each kill', log.map((l) => int(l.sendingAfter)).join(', '));
  figures.add('sends/s (first claim → last acceptance)', `${int(final.accepted / sending)} (${fmt(sending)} s; channel rate ${int(rate)})`);
  figures.add('last kill → every message final', `${fmt((settledAt - lastKillAt) / 1000)} s`);
  figures.add('final statuses', byStatus.map((r) => `${r.status} ${int(r.n)}`).join(', '));
  figures.add('messages claimed more than once (handed over after a kill)', int(times[0].again));
  figures.add('simulator throttle violations', int(s.violations));
  figures.check('messages stored', final.total, messages);
  figures.add('lost (messages not in a final status)', final.open, '= 0', final.open === 0);
  figures.add('sent twice (callback data the provider took twice)', s.duplicates, '= 0', s.duplicates === 0);
  figures.check('simulator accepted = Postgres accepted', s.accepted, final.accepted);
  figures.check('distinct provider message ids = accepted', times[0].distinct_ids, final.accepted);

  await Promise.all(workers.map((w) => stopProcess(w)));
}
