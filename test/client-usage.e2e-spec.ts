import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { take, type Herald, type MessageAccepted, type SendMessage } from '@herald/client';
import { startApi, type ApiHarness } from './support/api-harness';
import { heraldError, listenForClients } from './support/client-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * The whole flow a program would write with @herald/client, against the API, a worker and the simulator: a contact,
 * an audience from a CSV upload (one bad row listed), a campaign created and run, its results, its recipients as CSV
 * (text and stream alike), lists walked page by page, a single message typed by its content, and HeraldErrors that
 * carry the API's status, code and the field at fault.
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-client-usage`;
const PHONE_NUMBER_ID = '106540352247701';
const CREDENTIALS = { wabaId: '102290129347701', accessToken: 'EAAG-client-usage-token', appSecret: 'client-usage-app-secret' };
const CSV = ['number,name,city', '+447400555001,Ann,Leeds', '+447400555002,Bob,York', 'not-a-number,Nobody,Nowhere', '+447400555003,Cat,Hull', ''].join('\n');
const GOOD_ROWS = 3;

async function streamText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

describe('@herald/client against the API, a worker and the simulator', () => {
  let api: ApiHarness;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let herald: Herald;
  let campaignId: string;
  let runId: string;

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    const clients = await listenForClients(api);
    const key = (await api.createWorkspace('Client usage')).apiKey;
    herald = clients.client(key);
    sim = await startSimulator();
    await addSimulatedChannel(clients.post(key), sim, {
      phone: PHONE_NUMBER_ID,
      display: '+1 555 010 7701',
      rate: 50,
      tier: 'unlimited',
      credentials: CREDENTIALS,
      apiUrl: clients.url,
    });
    await sim.call('PUT', '/_sim/templates', [
      { wabaId: CREDENTIALS.wabaId, name: 'client_news', language: 'en', category: 'MARKETING', components: [{ type: 'BODY', text: 'News for {{1}}.' }] },
    ]);
    const synced = await herald.api.POST('/v1/templates/sync', { body: {} });
    expect(synced.response.status).toBe(200);
    worker = startWorker({ REDIS_PREFIX });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('creates a contact and reads it back by number', async () => {
    const created = await herald.contacts.upsert({ number: '+44 7400 555001', name: 'Ann', attributes: { tier: 2 } });
    expect(created).toMatchObject({ number: '+447400555001', name: 'Ann', attributes: { tier: 2 }, optedOut: false });
    expect((await herald.contacts.get('+447400555001')).timezone).toBe('Europe/London');
  });

  it('imports an audience from a CSV upload, listing the invalid row', async () => {
    const { importId } = await herald.imports.upload('readers', CSV, { name: 'Readers' });
    const done = await herald.imports.wait(importId, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ status: 'completed', rowsRead: GOOD_ROWS + 1, invalid: 1 });
    expect(done.errors).toEqual([expect.objectContaining({ row: 4, number: 'not-a-number' })]);
    // A file read as it is sent (a stream body) imports the same.
    const streamed = await herald.imports.upload('streamed', new Blob([CSV]).stream(), { name: 'Streamed' });
    expect(await herald.imports.wait(streamed.importId, { timeoutMs: 20_000 })).toMatchObject({ status: 'completed', rowsRead: GOOD_ROWS + 1, invalid: 1 });
    const audience = await herald.audiences.get('readers');
    expect(audience.name).toBe('Readers');
    const members = [];
    for await (const contact of herald.audiences.allMembers('readers', { limit: 2 })) members.push(contact.number);
    expect(members.sort()).toEqual(['+447400555001', '+447400555002', '+447400555003']);
    // The import merged Ann's city into the contact created before it.
    expect((await herald.contacts.get('+447400555001')).attributes).toMatchObject({ tier: 2, city: 'Leeds' });
  });

  it('creates a campaign, runs it to the end and reads its results', async () => {
    const created = await herald.campaigns.create({ title: 'Client news', template: { name: 'client_news', language: 'en' }, params: ['{{name}}'] });
    campaignId = created.campaignId;
    const run = await herald.campaigns.run(campaignId, { audiences: ['readers'] });
    runId = run.runId;
    const ended = await herald.campaigns.waitForRun(campaignId, runId, { timeoutMs: 20_000 });
    expect(ended.status).toBe('completed');
    const results = await waitFor(
      () => herald.campaigns.results(campaignId, { runId }),
      (r) => r.delivered === GOOD_ROWS,
      10_000,
    );
    expect(results).toMatchObject({ sent: GOOD_ROWS, delivered: GOOD_ROWS, sendErrors: 0 });
  });

  it("exports the run's recipients as CSV, the same as text and as a stream, and as JSON", async () => {
    const csv = await herald.campaigns.recipientsCsv(campaignId, { runId }).text();
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(GOOD_ROWS + 1);
    expect(lines[0]).toMatch(/number/);
    for (const number of ['+447400555001', '+447400555002', '+447400555003']) expect(csv).toContain(number);
    expect(await streamText(await herald.campaigns.recipientsCsv(campaignId, { runId }).stream())).toBe(csv);
    const json = await herald.campaigns.recipients(campaignId, { runId });
    expect(json.map((r) => r.number).sort()).toEqual(['+447400555001', '+447400555002', '+447400555003']);
  });

  it('walks paged lists: the sends of the run two at a time, contacts and campaigns', async () => {
    const sends = [];
    for await (const send of herald.messages.all({ campaignId, limit: 2 })) sends.push(send);
    expect(sends).toHaveLength(GOOD_ROWS);
    expect(new Set(sends.map((s) => s.id)).size).toBe(GOOD_ROWS);
    expect(sends.every((s) => s.runId === runId && s.content.type === 'template')).toBe(true);
    expect(await take(herald.contacts.all({ limit: 1 }), 2)).toHaveLength(2);
    expect((await take(herald.campaigns.all(), 10)).map((c) => c.id)).toEqual([campaignId]);
  });

  it('sends a message typed by its content and reads it back', async () => {
    const body: SendMessage = {
      to: { number: '+447400555002' },
      type: 'template',
      template: { name: 'client_news', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Bob' }] }] },
      tags: ['orders'],
    };
    const accepted = (await herald.messages.send(body)) as MessageAccepted;
    const message = await waitFor(
      () => herald.messages.get(accepted.id),
      (m) => m.status === 'delivered' || m.status === 'read',
      10_000,
    );
    expect(message).toMatchObject({ to: '+447400555002', tags: ['orders'], template: 'client_news', content: { type: 'template' } });
    expect(['delivered', 'read']).toContain(message.status);
  });

  it('throws a HeraldError with the status, code, message and the field at fault', async () => {
    const noRecipient = await heraldError(herald.messages.send({ type: 'text', text: { body: 'To nobody' } }));
    expect(noRecipient).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(noRecipient.details.map((d) => d.field)).toContain('to');
    expect(noRecipient.message).toMatch(/to/);

    // Free-form text outside the 24-hour window: refused before anything is queued, with what to do instead.
    const outsideWindow = await heraldError(herald.messages.send({ to: { number: '+447400555003' }, type: 'text', text: { body: 'Hello' } }));
    expect(outsideWindow.status).toBeGreaterThanOrEqual(400);
    expect(outsideWindow.status).toBeLessThan(500);
    expect(outsideWindow.message).toMatch(/template/);

    const badContact = await heraldError(herald.contacts.upsert({ number: 'call me' }));
    expect(badContact).toMatchObject({ status: 400 });
    expect(badContact.details.map((d) => d.field)).toContain('number');

    const missing = await heraldError(herald.campaigns.get('00000000-0000-4000-8000-000000000000'));
    expect(missing.status).toBe(404);
    expect(missing.code).toMatch(/not_found/);

    // The raw client stays available and never throws: it answers the error body.
    const raw = await herald.api.GET('/v1/campaigns/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } });
    expect(raw.response.status).toBe(404);
    expect(raw.error?.error.code).toBe(missing.code);
  });
});
