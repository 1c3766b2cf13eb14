import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { ImportsService } from '@herald/contacts';
import { startApi, type ApiHarness } from './support/api-harness';

describe('CSV imports', () => {
  let api: ApiHarness;
  let key: string;
  let imports: ImportsService;
  beforeAll(async () => {
    api = await startApi();
    key = (await api.createWorkspace('Imports')).apiKey;
    imports = api.app.get(ImportsService);
  });
  afterAll(() => api.close());

  const csv = (path: string, body: string | Buffer, k = key) =>
    api.http
      .post(path)
      .set('x-api-key', k)
      .set('Content-Type', 'text/csv')
      .send(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  const get = (path: string, k = key) => api.http.get(path).set('x-api-key', k);

  /** Applies an import in this process, as a worker would, and returns its final state. */
  async function apply(importId: string, batchRows?: number) {
    await imports.process(importId, { batchRows });
    return (await get(`/v1/imports/${importId}`)).body;
  }

  it('imports every CSV quirk: BOM, CRLF, ; delimiter, quotes with commas and newlines, duplicates, bad rows', async () => {
    const file =
      '\ufeffNAME;Phone;City;Notes\r\n' +
      'Asha;+91 97399 78284;Pune;"likes; semicolons"\r\n' +
      '"Rao, Tom";+447400500001;Leeds;"two\r\nlines"\r\n' +
      'Bad;not-a-number;X;\r\n' +
      'Asha again;919739978284;Mumbai;\r\n' +
      ';;;\r\n' +
      'NoNumber;;Y;\r\n';
    const res = await csv('/v1/audiences/quirks/contacts/import?name=Quirks', file);
    expect(res.status).toBe(202);
    expect(res.body.importId).toMatch(/^[0-9a-f-]{36}$/);
    const queued = await get(`/v1/imports/${res.body.importId}`);
    expect(queued.body.status).toBe('queued');

    const done = await apply(res.body.importId);
    expect(done).toMatchObject({ status: 'completed', rowsRead: 6, imported: 2, updated: 0, duplicates: 1, invalid: 3 });
    expect(done.errors).toEqual([
      { row: 4, number: 'not-a-number', reason: expect.any(String) },
      { row: 6, number: null, reason: 'number is missing' },
      { row: 7, number: null, reason: 'number is missing' },
    ]);
    const asha = (await get('/v1/contacts/+919739978284')).body;
    expect(asha).toMatchObject({ name: 'Asha again', attributes: { City: 'Mumbai' } });
    const tom = (await get('/v1/contacts/+447400500001')).body;
    expect(tom).toMatchObject({ name: 'Rao, Tom', attributes: { City: 'Leeds', Notes: 'two\r\nlines' } });
    expect((await get('/v1/audiences/quirks')).body).toMatchObject({ name: 'Quirks', size: 2 });
  });

  it('refuses, row by row, text that is not UTF-8 or holds a NUL, instead of changing it silently', async () => {
    // A NUL in the first part of a file refuses it whole as binary; further in, its row alone is refused.
    // 120 rows of 1 KB: past the first read of the body (the header's, ≤ 64 KB) without thousands of rows to import.
    const filler = Array.from({ length: 120 }, (_, i) => `+4474008${String(i).padStart(5, '0')},Filler,${'L'.repeat(990)}\n`).join('');
    const file = Buffer.concat([
      Buffer.from('number,name,city\n+447400500071,Ann,Leeds\n+447400500072,'),
      Buffer.from([0x4a, 0xf6, 0x72, 0x67]), // "Jörg" in Latin-1: not UTF-8
      Buffer.from(`,Bonn\n${filler}+447400500073,Nul\u0000Name,Oslo\n`),
    ]);
    const res = await csv('/v1/audiences/encodings/contacts/import?name=Encodings', file);
    expect(res.status).toBe(202);
    const done = await apply(res.body.importId);
    expect(done).toMatchObject({ status: 'completed', imported: 121, invalid: 2 });
    expect(done.errors).toEqual([
      { row: 3, number: '+447400500072', reason: "holds bytes that are not text in the file's encoding (save it as UTF-8, or give the encoding it was saved in, e.g. encoding=windows-1252)" },
      { row: 124, number: '+447400500073', reason: 'holds a NUL character' },
    ]);
    expect((await get('/v1/contacts/+447400500072')).status).toBe(404);
  }, 60_000);

  it('reads a file in the encoding it is in: UTF-16 by its byte order mark, another when the upload names it', async () => {
    const rows = 'number,name,city\n+447400500081,José,Málaga\n+447400500082,Zoë,Köln\n';
    // Excel's "Unicode text": UTF-16LE with a byte order mark, found by the mark alone.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rows, 'utf16le')]);
    const a = await api.http.post('/v1/audiences/enc-utf16/contacts/import?name=UTF-16').set('x-api-key', key).attach('file', utf16, { filename: 'people.txt', contentType: 'text/plain' });
    expect(a.status).toBe(202);
    expect(await apply(a.body.importId)).toMatchObject({ status: 'completed', imported: 2, invalid: 0 });
    expect((await get('/v1/contacts/+447400500081')).body).toMatchObject({ name: 'José', attributes: { city: 'Málaga' } });

    // Excel's "CSV" on Windows: Windows-1252, named in the query, as the raw body's charset, or as a field before the file.
    const cp1252 = Buffer.from('number,name,city\n+447400500083,Jörg,Düsseldorf\n', 'latin1');
    const b = await csv('/v1/audiences/enc-1252/contacts/import?name=Windows&encoding=windows-1252', cp1252);
    expect(b.status).toBe(202);
    expect(await apply(b.body.importId)).toMatchObject({ status: 'completed', imported: 1, invalid: 0 });
    expect((await get('/v1/contacts/+447400500083')).body).toMatchObject({ name: 'Jörg', attributes: { city: 'Düsseldorf' } });
    const c = await api.http
      .post('/v1/audiences/enc-1252/contacts/import')
      .set('x-api-key', key)
      .set('Content-Type', 'text/csv; charset=ISO-8859-1')
      .send(Buffer.from('number,name\n+447400500084,Ægir\n', 'latin1'));
    expect(c.status).toBe(202);
    expect(await apply(c.body.importId)).toMatchObject({ status: 'completed', imported: 1 });
    expect((await get('/v1/contacts/+447400500084')).body.name).toBe('Ægir');
    const d = await api.http
      .post('/v1/audiences/enc-1252/contacts/import')
      .set('x-api-key', key)
      .field('encoding', 'latin1')
      .attach('file', Buffer.from('number,name\n+447400500085,Søren\n', 'latin1'), { filename: 'p.csv', contentType: 'text/csv' });
    expect(d.status).toBe(202);
    expect(await apply(d.body.importId)).toMatchObject({ status: 'completed', imported: 1 });
    expect((await get('/v1/contacts/+447400500085')).body.name).toBe('Søren');

    // An encoding Herald cannot read, or named after the file (too late to read it by): 400, nothing stored.
    const unknown = await csv('/v1/audiences/enc-bad/contacts/import?name=Bad&encoding=klingon-8', Buffer.from(rows));
    expect([unknown.status, unknown.body.error.details]).toEqual([400, [{ field: 'encoding', issue: expect.stringContaining('is not an encoding Herald can read') }]]);
    const late = await api.http
      .post('/v1/audiences/enc-bad/contacts/import?name=Bad')
      .set('x-api-key', key)
      .attach('file', Buffer.from('number,name\n+447400500086,Late\n', 'latin1'), { filename: 'p.csv', contentType: 'text/csv' })
      .field('encoding', 'latin1');
    expect([late.status, late.body.error.details]).toEqual([400, [{ field: 'encoding', issue: expect.stringContaining('came after the file part') }]]);
    // Named twice, differently (query and form, or two fields): neither is guessed at. The same name twice is one.
    const file = () => Buffer.from('number,name\n+447400500087,Twice\n', 'latin1');
    const twice = await api.http
      .post('/v1/audiences/enc-bad/contacts/import?name=Bad&encoding=utf-8')
      .set('x-api-key', key)
      .field('encoding', 'windows-1252')
      .attach('file', file(), { filename: 'p.csv', contentType: 'text/csv' });
    expect([twice.status, twice.body.error.details]).toEqual([400, [{ field: 'encoding', issue: expect.stringContaining('is given more than once, differently (utf-8, windows-1252)') }]]);
    const fields = await api.http
      .post('/v1/audiences/enc-bad/contacts/import?name=Bad')
      .set('x-api-key', key)
      .field('encoding', 'latin1')
      .field('encoding', 'shift_jis')
      .attach('file', file(), { filename: 'p.csv', contentType: 'text/csv' });
    expect(fields.status).toBe(400);
    const same = await api.http
      .post('/v1/audiences/enc-1252/contacts/import?encoding=latin1')
      .set('x-api-key', key)
      .field('encoding', 'windows-1252')
      .attach('file', file(), { filename: 'p.csv', contentType: 'text/csv' });
    expect(same.status).toBe(202);
    expect((await get('/v1/audiences/enc-bad')).status).toBe(404);
  });

  it('reads lone-CR line endings (old Mac files) past the first 64 KB, and refuses a NUL in row 2 as that row alone', async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => `+4474008${String(50_000 + i)},Mac ${i},${'m'.repeat(20)}`);
    const file = `number,name,note\r${rows.join('\r')}\r`;
    expect(file.length).toBeGreaterThan(64 * 1024);
    const mac = await csv('/v1/audiences/enc-mac/contacts/import?name=Mac', file);
    expect(mac.status).toBe(202);
    expect(await apply(mac.body.importId)).toMatchObject({ status: 'completed', rowsRead: 3_000, imported: 3_000, invalid: 0 });

    const nul = await csv('/v1/audiences/enc-mac/contacts/import', 'number,name\n+447400853001,Nul\u0000Row\n+447400853002,Fine\n');
    expect(nul.status).toBe(202);
    const done = await apply(nul.body.importId);
    expect(done).toMatchObject({ status: 'completed', imported: 1, invalid: 1 });
    expect(done.errors).toEqual([{ row: 2, number: '+447400853001', reason: 'holds a NUL character' }]);
  });

  it('takes multipart uploads, with fields before or after the file', async () => {
    const res = await api.http
      .post('/v1/audiences/multi/contacts/import')
      .set('x-api-key', key)
      .attach('file', Buffer.from('number,name,tier\n+447400500002,Ann,gold\n'), {
        filename: 'people.csv',
        contentType: 'text/csv',
      })
      .field('name', 'Multipart');
    expect(res.status).toBe(202);
    expect(await apply(res.body.importId)).toMatchObject({ status: 'completed', imported: 1 });
    expect((await get('/v1/audiences/multi')).body).toMatchObject({ name: 'Multipart', size: 1 });
    expect((await get('/v1/contacts/+447400500002')).body.attributes).toEqual({ tier: 'gold' });

    const noFile = await api.http.post('/v1/audiences/multi/contacts/import').set('x-api-key', key).field('name', 'x');
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.code).toBe('file_missing');
  });

  it('refuses a cut-off multipart body and one without a boundary with 400, stores nothing, and keeps answering', async () => {
    const part = '--BOUND\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nnumber,name\r\n+447400500090,Cut\r\n';
    const multipart = (type: string, body: string) =>
      api.http.post('/v1/audiences/cut/contacts/import?name=Cut').set('x-api-key', key).set('Content-Type', type).send(Buffer.from(body));
    // The closing boundary never comes: the client gave up, or a proxy cut the body.
    const cut = await multipart('multipart/form-data; boundary=BOUND', part);
    expect(cut.status).toBe(400);
    expect(cut.body.error.code).toBe('malformed_multipart');
    for (const type of ['multipart/form-data', 'multipart/form-data; boundary=']) {
      const unbounded = await multipart(type, `${part}--BOUND--\r\n`);
      expect([type, unbounded.status, unbounded.body.error?.code]).toEqual([type, 400, 'malformed_multipart']);
    }
    expect((await get('/v1/audiences/cut')).status).toBe(404);
    // Two files in one upload: refused, rather than the first imported and the second dropped without a word.
    const second = part.replace('a.csv', 'b.csv').replace('+447400500090', '+447400500091');
    const two = await multipart('multipart/form-data; boundary=BOUND', `${part}${second}--BOUND--\r\n`);
    expect([two.status, two.body.error?.code]).toEqual([400, 'malformed_multipart']);
    expect((await get('/v1/audiences/cut')).status).toBe(404);
    // Whole, the same upload is taken: the API is still there.
    const whole = await multipart('multipart/form-data; boundary=BOUND', `${part}--BOUND--\r\n`);
    expect(whole.status).toBe(202);
  });

  it('refuses at once, storing nothing, a file without a number column, a file that is not CSV, an unknown audience', async () => {
    const noNumber = await csv('/v1/audiences/x/contacts/import?name=X', 'id,email\n1,a@b.c\n');
    expect(noNumber.status).toBe(400);
    expect(noNumber.body.error.code).toBe('csv_number_column_missing');
    const binary = await csv('/v1/audiences/x/contacts/import?name=X', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    expect(binary.status).toBe(400);
    expect(binary.body.error.code).toBe('invalid_csv');
    const unknown = await csv('/v1/audiences/nope/contacts/import', 'number\n+447400500003\n');
    expect(unknown.status).toBe(404);
    expect((await get('/v1/audiences/x')).status).toBe(404);
    const json = await api.http.post('/v1/audiences/x/contacts/import').set('x-api-key', key).send({ number: '1' });
    expect(json.status).toBe(415);
  });

  it('imports a variable group whose columns are its fields, adding its contacts to an audience', async () => {
    const res = await api.http
      .post('/v1/variable-groups/import')
      .set('x-api-key', key)
      .field('id', 'renewals')
      .field('name', 'Renewals')
      .field('audienceId', 'renewal-contacts')
      .attach(
        'file',
        Buffer.from(
          'msisdn,first_name,due_date\n447400500010,Ann,2026-12-01\n447400500011,Bob,2026-12-02\n447400500010,Ann,2026-12-09\n',
        ),
        'v.csv',
      );
    expect(res.status).toBe(202);
    expect(await apply(res.body.importId)).toMatchObject({
      status: 'completed',
      imported: 2,
      updated: 0,
      duplicates: 1,
      invalid: 0,
    });
    expect((await get('/v1/variable-groups/renewals')).body).toMatchObject({ fields: ['first_name', 'due_date'], size: 2 });
    const ann = await get('/v1/variable-groups/renewals/values?number=%2B447400500010');
    expect(ann.body.data).toEqual([{ number: '+447400500010', first_name: 'Ann', due_date: '2026-12-09' }]);
    expect((await get('/v1/audiences/renewal-contacts')).body.size).toBe(2);

    const missingId = await csv('/v1/variable-groups/import', 'number,a\n+447400500012,1\n');
    expect(missingId.status).toBe(400);
  });

  it('merges batch by batch: the last row of a number wins across batches, counted once as a duplicate', async () => {
    await api.http
      .post('/v1/contacts')
      .set('x-api-key', key)
      .send({ number: '+447400500030', name: 'Before', attributes: { tier: 'gold' } });
    // Batches of 2 rows: the repeats of …031 and of the existing …030 fall in later batches than their first rows.
    const file =
      'number,name,city\n' +
      '+447400500030,Old one,Leeds\n' +
      '+447400500031,First,York\n' +
      '+447400500032,Other,Bath\n' +
      '+447400500033,Fourth,Hull\n' +
      '+447400500031,Second,Ely\n' +
      '+447400500030,Old two,Wells\n' +
      '+447400500031,Third,\n';
    const res = await csv('/v1/audiences/batches/contacts/import?name=Batches', file);
    const done = await apply(res.body.importId, 2);
    expect(done).toMatchObject({ status: 'completed', rowsRead: 7, imported: 3, updated: 1, duplicates: 3, invalid: 0 });
    expect((await get('/v1/contacts/+447400500031')).body).toMatchObject({ name: 'Third', attributes: { city: 'Ely' } });
    expect((await get('/v1/contacts/+447400500030')).body).toMatchObject({
      name: 'Old two',
      attributes: { tier: 'gold', city: 'Wells' },
    });
    expect((await get('/v1/audiences/batches')).body.size).toBe(4);

    const group = 'number,plan\n+447400500031,a\n+447400500034,b\n+447400500031,c\n+447400500035,d\n+447400500034,e\n';
    const g = await csv('/v1/variable-groups/import?id=batched&name=Batched&audienceId=batched-members', group);
    expect(await apply(g.body.importId, 2)).toMatchObject({
      status: 'completed',
      rowsRead: 5,
      imported: 3,
      updated: 0,
      duplicates: 2,
    });
    const values = (await get('/v1/variable-groups/batched/values')).body.data;
    expect(Object.fromEntries(values.map((v: { number: string; plan: string }) => [v.number, v.plan]))).toEqual({
      '+447400500031': 'c',
      '+447400500034': 'e',
      '+447400500035': 'd',
    });
    expect((await get('/v1/audiences/batched-members')).body.size).toBe(3);
  });

  it('applies nothing when a batch fails after earlier batches were merged, and a retry applies everything', async () => {
    const file = 'number,name\n' + Array.from({ length: 9 }, (_, i) => `+4474005001${i}0,Row ${i}`).join('\n') + '\n';
    const res = await csv('/v1/audiences/all-or-nothing/contacts/import?name=AllOrNothing', file);
    const db = api.app.get(DataSource);
    // A unique index on one name makes the third batch fail after two batches went in.
    await db.query(`CREATE UNIQUE INDEX test_fail_third_batch ON contacts ((name)) WHERE name = 'Row 4'`);
    await db.query(
      `INSERT INTO contacts (workspace_id, number, name, timezone) SELECT workspace_id, '+447400599999', 'Row 4', 'UTC' FROM api_keys LIMIT 1`,
    );
    try {
      await expect(imports.process(res.body.importId, { batchRows: 2 })).rejects.toThrow(/test_fail_third_batch/);
      expect((await get('/v1/contacts/+447400500100')).status).toBe(404);
      expect((await get('/v1/audiences/all-or-nothing')).body.size).toBe(0);
    } finally {
      await db.query('DROP INDEX test_fail_third_batch');
      await db.query(`DELETE FROM contacts WHERE number = '+447400599999'`);
    }
    expect(await apply(res.body.importId, 2)).toMatchObject({ status: 'completed', rowsRead: 9, imported: 9 });
    expect((await get('/v1/audiences/all-or-nothing')).body.size).toBe(9);
  });

  it("keeps each workspace's imports to itself", async () => {
    const res = await csv('/v1/audiences/mine/contacts/import?name=Mine', 'number\n+447400500020\n');
    const other = (await api.createWorkspace('Other')).apiKey;
    expect((await get(`/v1/imports/${res.body.importId}`, other)).status).toBe(404);
    expect((await get('/v1/imports/not-a-uuid')).status).toBe(404);
  });

  it('is applied by a worker process, and applying again changes nothing', async () => {
    const worker = spawn(process.execPath, ['dist/apps/worker/src/main.js'], { env: process.env, stdio: 'ignore' });
    try {
      const rows = Array.from({ length: 500 }, (_, i) => `+4474006${String(100000 + i).slice(1)},Person ${i}`).join('\n');
      const res = await csv('/v1/audiences/by-worker/contacts/import?name=ByWorker', `number,name\n${rows}\n`);
      expect(res.status).toBe(202);
      let state = (await get(`/v1/imports/${res.body.importId}`)).body;
      for (let i = 0; i < 100 && state.status !== 'completed' && state.status !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = (await get(`/v1/imports/${res.body.importId}`)).body;
      }
      expect(state).toMatchObject({ status: 'completed', rowsRead: 500, imported: 500, invalid: 0 });
      expect(await imports.process(res.body.importId)).toEqual({ status: 'skipped' });
      expect((await get('/v1/audiences/by-worker')).body.size).toBe(500);
    } finally {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
  });
});
