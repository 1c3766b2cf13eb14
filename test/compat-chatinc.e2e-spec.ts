import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { startApi, type ApiHarness } from './support/api-harness';
import { addSimulatedChannel, startSimulator, startWorker, waitFor, type ChildHarness, type SimulatorHarness } from './support/process-harness';

/**
 * Chat Inc's API at /compat/chatinc, driven by its document's requests as written — only the base URL and the key
 * (its bare `Authorization: <key>`) changed — against the API, a worker and the Cloud API simulator: audiences and
 * variable groups (JSON and CSV files), campaigns created, run and retrieved, and the messages reaching the simulator.
 * Its JS SDK (`npm install chatinc`) is not on the npm registry: its examples are replayed as the HTTP requests its
 * document pairs them with (`chat` below: each SDK method on its documented path, nothing else).
 */
const REDIS_PREFIX = `${process.env.REDIS_PREFIX}-compat-chatinc`;
const PHONE_NUMBER_ID = '106540352249001';
const CREDENTIALS = { wabaId: '102290129349001', accessToken: 'EAAG-chatinc-token', appSecret: 'chatinc-app-secret' };
const BASE = '/compat/chatinc';

describe("Chat Inc's API at /compat/chatinc", () => {
  let api: ApiHarness;
  let db: DataSource;
  let sim: SimulatorHarness;
  let worker: ChildHarness;
  let key: string;
  let campaignId: string;

  const post = (path: string, body: unknown) => api.http.post(BASE + path).set('Authorization', key).set('Content-Type', 'application/json').send(body as object);
  const get = (path: string) => api.http.get(BASE + path).set('Authorization', key);
  const native = (path: string) => api.http.get(path).set('Authorization', key);
  /** Its SDK's methods as the HTTP requests its document gives for each. */
  const chat = {
    createCampaign: (campaign: object, options: object) => post('/v1/create/campaign', { ...campaign, options }),
    runCampaign: (body: object) => post('/v1/run/campaign', body),
    retrieveCampaigns: () => get('/v1/retrieve/campaigns'),
    retrieveCampaignDetails: (body: object) => post('/v1/retrieve/campaign', body),
    createVariableGroup: (body: object) => post('/v1/create/variable/group', body),
    retrieveVariableGroups: () => post('/v1/retrieve/variable/groups', undefined),
    createAudience: (body: object) => post('/v1/create/audience', body),
    addContactsToAudience: (body: object) => post('/v1/create/audience', body),
    retrieveAudiences: () => get('/v1/retrieve/audiences'),
    retrieveAudienceCotacts: (body: object) => post('/v1/retrieve/audience/contacts', body),
  };
  const members = async (id: string) => (await chat.retrieveAudienceCotacts({ id })).body as Array<{ number: string }>;
  const simAccepted = async () =>
    (await sim.call<{ accepted: { byPhoneNumberId: Record<string, number> } }>('GET', '/_sim/stats')).body.accepted.byPhoneNumberId[PHONE_NUMBER_ID] ?? 0;
  const runOf = async (id: string, runId: string) => (await native(`/v1/campaigns/${id}/runs/${runId}`)).body as { status: string; counts: Record<string, number> };
  const settled = (r: { status: string }) => ['completed', 'cancelled', 'failed'].includes(r.status);
  /** The run once it is over and `n` of its messages are read (the simulator delivers and reads every one). */
  const readBy = (id: string, runId: string, n: number) => waitFor(() => runOf(id, runId), (r) => settled(r) && (r.counts['read'] ?? 0) >= n, 30_000, 200);

  beforeAll(async () => {
    api = await startApi({ REDIS_PREFIX });
    await api.app.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    db = api.app.get(DataSource);
    key = (await api.createWorkspace('Chat Inc')).apiKey;
    sim = await startSimulator({ templates: { approvalDelayMs: 200 } });
    await addSimulatedChannel((p, b) => api.http.post(p).set('Authorization', key).send(b as object), sim, {
      phone: PHONE_NUMBER_ID,
      display: '+1 555 010 9001',
      rate: 100,
      tier: 'unlimited',
      credentials: CREDENTIALS,
      apiUrl,
    });
    worker = startWorker({ REDIS_PREFIX, CAMPAIGN_RECONCILE_INTERVAL_MS: '1000' });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await api?.close();
  });

  it('audiences and variable groups: its examples replayed verbatim, from JSON and from CSV files', async () => {
    // Create Audience (its SDK example). Its number 1234567890 is no phone number (+1 234 567 890 has nine digits):
    // the audience is made and the entry is reported, not silently dropped.
    const created = await chat.createAudience({
      id: 'myAudienceId',
      name: 'My Audience',
      description: 'This is my audience',
      contacts: [{ number: '1234567890' }],
    });
    expect([created.status, created.body]).toEqual([
      200,
      expect.objectContaining({ status: 'success', id: 'myAudienceId', name: 'My Audience', size: 0, added: 0, invalid: [expect.objectContaining({ index: 0, number: '1234567890' })] }),
    ]);
    // Add Contacts to Audience: the same path, the existing id.
    const added = await chat.addContactsToAudience({ id: 'myAudienceId', contacts: [{ number: '1234567890' }] });
    expect([added.status, added.body.status, added.body.id, added.body.invalid]).toEqual([200, 'success', 'myAudienceId', [expect.objectContaining({ number: '1234567890' })]]);
    // …and with numbers that are numbers, the audience holds them.
    const more = await chat.addContactsToAudience({ id: 'myAudienceId', contacts: [{ number: '+447400900101' }, { number: '447400900102' }] });
    expect([more.status, more.body.added, more.body.size]).toEqual([200, 2, 2]);
    expect((await members('myAudienceId')).map((c) => c.number).sort()).toEqual(['+447400900101', '+447400900102']);

    // Add Contacts to Audience from CSV File (its curl: name, id, then the file).
    const audienceCsv = await api.http
      .post(`${BASE}/v1/create/audience/from/file`)
      .set('Authorization', key)
      .field('name', 'testos')
      .field('id', 'testos')
      .attach('file', Buffer.from('number,first_name\n+447400900103,Ada\n+447400900104,Ben\n'), 'TFG (2000) Variable Group Values Upload.xlsx - Sheet1.csv');
    expect([audienceCsv.status, audienceCsv.body.status, typeof audienceCsv.body.importId]).toEqual([202, 'success', 'string']);
    const testos = await waitFor(() => members('testos'), (m) => m.length === 2, 15_000, 200);
    expect(testos.map((c) => c.number).sort()).toEqual(['+447400900103', '+447400900104']);

    // Create Variable Group (its SDK example; its number is refused as above).
    const group = await chat.createVariableGroup({
      id: 'myVariableGroupId',
      name: 'My Variable Group',
      description: 'This is my variable group',
      fields: ['first_name', 'last_name'],
      values: [{ number: '1234567890', first_name: 'John', last_name: 'Doe' }],
    });
    expect([group.status, group.body]).toEqual([
      200,
      expect.objectContaining({ status: 'success', id: 'myVariableGroupId', fields: ['first_name', 'last_name'], invalid: [expect.objectContaining({ number: '1234567890' })] }),
    ]);

    // Create Variable Group from CSV File (its curl: the file first, then name, id and audienceId): the group, and
    // the audience 30k holding the rows' contacts.
    const groupCsv = await api.http
      .post(`${BASE}/v1/create/variable/group/from/file`)
      .set('Authorization', key)
      .attach('file', Buffer.from('number,first_name,last_name\n+447400900105,Cy,Dee\n+447400900106,Di,Eve\n'), 'TFG June Invite - File Drop 2 Variables.xlsx - Sheet1.csv')
      .field('name', 'large_group_10k_2')
      .field('id', 'large_group_10k_2')
      .field('audienceId', '30k');
    expect([groupCsv.status, groupCsv.body.status]).toEqual([202, 'success']);
    const k30 = await waitFor(() => members('30k'), (m) => m.length === 2, 15_000, 200);
    expect(k30.map((c) => c.number).sort()).toEqual(['+447400900105', '+447400900106']);

    // Retrieve Variable Groups (its curl: POST, a JSON content type, no body): [{name, fields}].
    const groups = await api.http.post(`${BASE}/v1/retrieve/variable/groups`).set('Authorization', key).set('Content-Type', 'application/json');
    expect(groups.status).toBe(200);
    expect(groups.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'My Variable Group', fields: ['first_name', 'last_name'] }),
        expect.objectContaining({ name: 'large_group_10k_2', fields: ['first_name', 'last_name'] }),
      ]),
    );
    const values = (await native('/v1/variable-groups/large_group_10k_2/values?number=%2B447400900105')).body;
    expect(JSON.stringify(values)).toContain('"first_name":"Cy"');

    // Retrieve Audiences (GET) and Retrieve Audience Contacts.
    const audiences = await chat.retrieveAudiences();
    expect(audiences.status).toBe(200);
    expect((audiences.body as Array<{ id: string; size: number }>).map((a) => [a.id, a.size]).sort()).toEqual([
      ['30k', 2],
      ['myAudienceId', 2],
      ['testos', 2],
    ]);
    const contacts = await chat.retrieveAudienceCotacts({ id: 'testos' });
    expect(contacts.body).toEqual(expect.arrayContaining([expect.objectContaining({ number: '+447400900103', first_name: 'Ada' })]));
  }, 60_000);

  it('campaigns: created and run as its examples say, the messages reach the simulator, results in its shape', async () => {
    // Its createCampaign example targets "Frequent Shoppers": an audience of that name (here made with its own API).
    const shoppers = await chat.createAudience({ id: 'frequent-shoppers', name: 'Frequent Shoppers', contacts: [{ number: '+447400900107' }, { number: '+447400900108' }] });
    expect(shoppers.body.added).toBe(2);
    const before = await simAccepted();
    const created = await chat.createCampaign(
      {
        title: 'My Marketing Campaign',
        message: 'This is an awesome broadcast campaign message.',
        buttons: [{ text: 'Button 1', type: 'journey', journeyId: 'myJourneyId' }],
      },
      { runImmediately: true, audiences: ['Frequent Shoppers'] },
    );
    expect([created.status, created.body.status]).toEqual([200, 'success']);
    campaignId = created.body.campaignId as string;
    expect(created.body.campaign).toMatchObject({
      campaignId,
      title: 'My Marketing Campaign',
      locale: 'en_US',
      buttons: [{ text: 'Button 1', type: 'journey', journeyId: 'myJourneyId' }],
      whatsAppTemplatesStatus: 'PENDING',
      runs: [expect.objectContaining({ audiences: ['frequent-shoppers'] })],
    });
    const firstRun = created.body.campaign.runs[0].runId as string;
    const done = await readBy(campaignId, firstRun, 2);
    expect([done.status, done.counts['read']]).toEqual(['completed', 2]);
    expect(await simAccepted()).toBe(before + 2);

    // Send Campaign: its SDK example names "myCampaignId", which is no campaign here — refused naming campaignId —
    // and with this campaign's id it runs for every contact.
    const unknown = await chat.runCampaign({ campaignId: 'myCampaignId', audiences: ['all'] });
    expect([unknown.status, unknown.body.status, unknown.body.details]).toEqual([404, 'error', [{ field: 'campaignId', issue: 'names no campaign of this workspace' }]]);
    const everyone = await chat.runCampaign({ campaignId, audiences: ['all'] });
    expect([everyone.status, everyone.body.status, everyone.body.campaignId, typeof everyone.body.run.runId]).toEqual([200, 'success', campaignId, 'string']);
    // Every contact with a number: those of the audiences and files above, and these two.
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM contacts c JOIN workspaces w ON w.id = c.workspace_id WHERE w.name = 'Chat Inc' AND c.number IS NOT NULL`);
    const all = await readBy(campaignId, everyone.body.run.runId as string, n);
    expect([all.status, all.counts['read']]).toEqual(['completed', n]);

    // Its curl posts {"campaignId"} to /v1/create/campaign: a run, again for the audiences of the last run.
    const curlUnknown = await post('/v1/create/campaign', { campaignId: 'myCampaignId' });
    expect([curlUnknown.status, curlUnknown.body.details[0].field]).toEqual([404, 'campaignId']);
    const again = await post('/v1/create/campaign', { campaignId });
    expect([again.status, again.body.status]).toEqual([200, 'success']);
    const third = await readBy(campaignId, again.body.run.runId as string, n);
    expect([third.status, third.counts['read']]).toEqual(['completed', n]);
    expect(await simAccepted()).toBe(before + 2 + 2 * n);

    // Retrieve All Campaigns (its curl: GET): [{status, campaigns: {…}}] with its example's fields.
    const list = await api.http.get(`${BASE}/v1/retrieve/campaigns`).set('Authorization', key);
    expect(list.status).toBe(200);
    const mine = (list.body as Array<{ status: string; campaigns: Record<string, unknown> }>).find((c) => c.campaigns['campaignId'] === campaignId)!;
    expect(mine.status).toBe('success');
    expect(Object.keys(mine.campaigns).sort()).toEqual(
      ['imgUrl', 'variables', 'buttons', 'campaignId', 'locale', 'message', 'templateId', 'title', 'runs', 'totalSent', 'totalDelivered', 'totalRead', 'whatsAppTemplatesStatus'].sort(),
    );
    expect(mine.campaigns).toMatchObject({ totalSent: 2 + 2 * n, totalDelivered: 2 + 2 * n, totalRead: 2 + 2 * n, whatsAppTemplatesStatus: 'APPROVED', locale: 'en_US' });
    expect(mine.campaigns['runs']).toHaveLength(3);
    // active=true: none of its runs is still going; POST and the SDK's retrieveCampaigns answer the same list.
    expect((await get('/v1/retrieve/campaigns?active=true')).body).toEqual([]);
    expect((await post('/v1/retrieve/campaigns', {})).body).toEqual(list.body);
    expect((await chat.retrieveCampaigns()).body).toEqual(list.body);

    // Retrieving Campaign Details: its curl's id is no campaign here; this campaign's, as CSV and (SDK) as JSON.
    const noDetails = await post('/v1/retrieve/campaign', { campaignId: 'c_B5ibuY0ubsjsGHE', format: 'csv' });
    expect([noDetails.status, noDetails.body.status, noDetails.body.details[0].field]).toEqual([404, 'error', 'campaignId']);
    const csv = await post('/v1/retrieve/campaign', { campaignId, format: 'csv' });
    expect([csv.status, csv.headers['content-type']]).toEqual([200, expect.stringContaining('text/csv')]);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('number,name,status,errorCode,errorTitle,errorDetails,sentAt,deliveredAt,readAt,clickedAt,action,runId');
    expect(lines).toHaveLength(1 + 2 + 2 * n);
    const details = await chat.retrieveCampaignDetails({ campaignId });
    expect(details.status).toBe(200);
    expect(details.body).toHaveLength(2 + 2 * n);
    expect(details.body[0]).toEqual(expect.objectContaining({ number: expect.stringMatching(/^\+44/), action: null, status: 'read' }));
  }, 120_000);

  it("its create-campaign curl: refused naming what is wrong; an input button's press produces its input text", async () => {
    // The curl as written: a trailing comma (not JSON), `{}` (no variable), "my-imageurl" (no URL), and a journey
    // button with a url button, which its own Buttons section forbids.
    const asWritten = `{
"title": "campaign title",
"templateType": "MARKETING",
"message": "My message {}",
"imgUrl": "my-imageurl",
"buttons": [
{
"text": "Start",
"type" : "journey",
"journeyId": "myJourneyID"
},
{
"text": "Vist site",
"type" : "url",
"url": "https://www.google.com"
}
],
}`;
    const parsed = await api.http.post(`${BASE}/v1/create/campaign`).set('Authorization', key).set('Content-Type', 'application/json').send(asWritten);
    expect(parsed.status).toBe(400);
    const fixedJson = await api.http
      .post(`${BASE}/v1/create/campaign`)
      .set('Authorization', key)
      .set('Content-Type', 'application/json')
      .send(asWritten.replace(/,\s*}$/, '}'));
    expect([fixedJson.status, fixedJson.body.status, fixedJson.body.code]).toEqual([400, 'error', 'validation_failed']);
    expect((fixedJson.body.details as Array<{ field: string }>).map((d) => d.field).sort()).toEqual(['buttons', 'imgUrl', 'message']);

    // Its input button: "Send Message" produces "Hello, World."; a {group_name.variable} message (group "users").
    expect(
      (
        await chat.createVariableGroup({
          id: 'shoppers-names',
          name: 'users',
          fields: ['first_name'],
          values: [{ number: '+447400900107', first_name: 'Flo' }, { number: '+447400900108', first_name: 'Gus' }],
        })
      ).status,
    ).toBe(200);
    const created = await chat.createCampaign(
      { title: 'Inputs', message: 'Hello, {users.first_name}. Tap to answer.', buttons: [{ text: 'Send Message', type: 'input', input: 'Hello, World.' }] },
      { runImmediately: true, audiences: ['frequent-shoppers'], languageCode: 'enUS', whatsAppTemplateType: 'MARKETING' },
    );
    expect([created.status, created.body.campaign.variables, created.body.campaign.buttons]).toEqual([
      200,
      ['shoppers-names.first_name'],
      [{ text: 'Send Message', type: 'input', input: 'Hello, World.' }],
    ]);
    const id = created.body.campaignId as string;
    const done = await readBy(id, created.body.campaign.runs[0].runId as string, 2);
    expect([done.status, done.counts['read']]).toEqual(['completed', 2]);
    const [sent] = await db.query(`SELECT provider_message_id, to_number, params FROM campaign_recipients r JOIN campaign_runs cr ON cr.id = r.run_id WHERE cr.campaign_id = $1 AND r.to_number = '+447400900107'`, [id]);
    expect(sent.params).toEqual(['Flo']);
    const pressed = await sim.call('POST', '/_sim/inbound', {
      phoneNumberId: PHONE_NUMBER_ID,
      from: '447400900107',
      contextMessageId: sent.provider_message_id,
      button: { payload: 'input:response', text: 'Send Message' },
    });
    expect(pressed.status).toBe(202);
    const details = await waitFor(
      async () => (await post('/v1/retrieve/campaign', { campaignId: id })).body as Array<{ number: string; action: string | null }>,
      (rows) => rows.some((r) => r.action !== null),
      10_000,
      200,
    );
    expect(details.find((r) => r.number === '+447400900107')?.action).toBe('Hello, World.');
    // The press is the funnel's "replied" step: one of the run's two recipients.
    expect((await native(`/v1/campaigns/${id}/results`)).body).toMatchObject({ sent: 2, replied: 1 });
    const inputGroup = (await native(`/v1/campaigns/${id}`)).body.inputGroup as string;
    const replies = (await native(`/v1/variable-groups/${inputGroup}/values?number=%2B447400900107`)).body;
    expect(JSON.stringify(replies)).toContain('"response":"Hello, World."');
  }, 60_000);

  it("refuses in Chat Inc's shape: a wrong key, a missing field, what Herald does not have", async () => {
    const wrongKey = await api.http.get(`${BASE}/v1/retrieve/audiences`).set('Authorization', `hrld_${'x'.repeat(43)}`);
    expect([wrongKey.status, wrongKey.body.status, wrongKey.body.code]).toEqual([401, 'error', 'api_key_invalid']);
    const noKey = await api.http.get(`${BASE}/v1/retrieve/audiences`);
    expect([noKey.status, noKey.body.status]).toEqual([401, 'error']);
    const noAudiences = await chat.createCampaign({ title: 't', message: 'm' }, { runImmediately: true });
    expect([noAudiences.status, noAudiences.body.details]).toEqual([400, [expect.objectContaining({ field: 'options.audiences' })]]);
    const unknownAudience = await chat.createCampaign({ title: 't', message: 'm' }, { runImmediately: true, audiences: ['Nobody'] });
    expect([unknownAudience.status, unknownAudience.body.details[0]]).toEqual([400, expect.objectContaining({ field: 'options.audiences' })]);
    // Herald registers marketing and utility templates; an authentication template has no message of one's own.
    const auth = await chat.createCampaign({ title: 't', message: 'm' }, { whatsAppTemplateType: 'AUTHENTICATION' });
    expect([auth.status, auth.body.details[0].field]).toEqual([400, 'options.whatsAppTemplateType']);
    const noName = await chat.createAudience({ id: 'nobody-yet', contacts: [] });
    expect([noName.status, noName.body.details[0].field]).toEqual([404, 'id']);
    const badGroup = await chat.createVariableGroup({ id: 'g', name: 'g', fields: 'first_name' });
    expect([badGroup.status, badGroup.body.details[0].field]).toEqual([400, 'fields']);
    const noFile = await api.http.post(`${BASE}/v1/create/audience/from/file`).set('Authorization', key).field('id', 'x').field('name', 'x');
    expect([noFile.status, noFile.body.status, noFile.body.details[0].field]).toEqual([400, 'error', 'file']);
  });


  it("refuses bad input in Chat Inc's shape, naming its own fields; another workspace's ids are not this one's", async () => {
    const other = await api.createWorkspace('Chat Inc other');
    const as = (k: string, path: string, body: unknown) => api.http.post(BASE + path).set('Authorization', k).set('Content-Type', 'application/json').send(body as object);
    // Herald's reply is its input button's `input`: a too-long one is named `buttons[0].input`, not Herald's name.
    const longInput = await chat.createCampaign({ title: 't', message: 'm', buttons: [{ text: 'A', type: 'input', input: 'x'.repeat(1001) }] }, {});
    expect([longInput.status, longInput.body.status, longInput.body.details[0].field, longInput.body.message]).toEqual([400, 'error', 'buttons[0].input', expect.stringContaining('buttons[0].input')]);
    const body = await post('/v1/create/campaign', []);
    expect([body.status, body.body.details[0].field]).toEqual([400, 'body']);
    const empty = await chat.createCampaign({ title: 't', message: 'm' }, { runImmediately: true, audiences: [] });
    expect([empty.status, empty.body.details[0].field]).toEqual([400, 'options.audiences']);
    const far = await chat.createCampaign({ title: 't', message: 'm' }, { runImmediately: true, audiences: ['all'], timeToRun: 1e15 });
    expect([far.status, far.body.details[0].field]).toEqual([400, 'options.timeToRun']);
    const huge = await chat.createAudience({ id: 'huge', name: 'huge', contacts: Array.from({ length: 10_001 }, (_, i) => ({ number: `+4474009${String(i).padStart(5, '0')}` })) });
    expect([huge.status, huge.body.status, huge.body.details[0].field]).toEqual([400, 'error', 'contacts']);

    // "Create Audience" with the id of an existing audience adds its contacts; a different name is refused, not dropped.
    expect((await chat.createAudience({ id: 'named-once', name: 'Named once', contacts: [] })).status).toBe(200);
    const same = await chat.createAudience({ id: 'named-once', name: 'Named once', contacts: [{ number: '+447400900111' }] });
    expect([same.status, same.body.added, same.body.name]).toEqual([200, 1, 'Named once']);
    const renamed = await chat.createAudience({ id: 'named-once', name: 'Renamed', contacts: [{ number: '+447400900112' }] });
    expect([renamed.status, renamed.body.status, renamed.body.code, renamed.body.details[0].field]).toEqual([409, 'error', 'audience_exists', 'name']);
    expect((await members('named-once')).map((c) => c.number)).toEqual(['+447400900111']);
    const nowhere = await chat.retrieveAudienceCotacts({ id: 'no-such-audience' });
    expect([nowhere.status, nowhere.body.status, nowhere.body.details[0].field]).toEqual([404, 'error', 'id']);

    // Another workspace: its ids are its own. The same audience id is its own audience; this campaign is not its.
    const theirs = await as(other.apiKey, '/v1/create/audience', { id: 'named-once', name: 'Theirs', contacts: [{ number: '+447400900113' }] });
    expect([theirs.status, theirs.body.name, theirs.body.size]).toEqual([200, 'Theirs', 1]);
    expect((await members('named-once')).map((c) => c.number)).toEqual(['+447400900111']);
    const own = (await chat.createCampaign({ title: 'Mine only', message: 'm' }, {})).body.campaignId as string;
    const run = await as(other.apiKey, '/v1/run/campaign', { campaignId: own, audiences: ['all'] });
    expect([run.status, run.body.status, run.body.details[0].field]).toEqual([404, 'error', 'campaignId']);
    const details = await as(other.apiKey, '/v1/retrieve/campaign', { campaignId: own });
    expect([details.status, details.body.details[0].field]).toEqual([404, 'campaignId']);
    expect(((await as(other.apiKey, '/v1/retrieve/campaigns', {})).body as unknown[]).length).toBe(0);
  }, 60_000);

  it("answers a body that is not JSON in Chat Inc's shape (the global filter's vendor shapes)", async () => {
    const notJson = await api.http.post(`${BASE}/v1/create/campaign`).set('Authorization', key).set('Content-Type', 'application/json').send('{"title": "x",}');
    expect([notJson.status, notJson.body.status, notJson.body.code]).toEqual([400, 'error', 'malformed_json']);
    const nowhere = await get('/v1/retrieve/journeys');
    expect([nowhere.status, nowhere.body.status]).toEqual([404, 'error']);
  });
});
