import { useEffect, useState } from 'preact/hooks';
import type { components } from '@herald/client';
import { errorText } from '../session';
import { useApi, useSession } from '../use-api';
import { count, when } from '../format';
import { uploadWithProgress } from '../upload';
import { Empty, Loading, Problem, Status } from '../components/feedback';
import { ProgressBar } from '../components/progress';

type Import = components['schemas']['ImportDto'];

const POLL_MS = 1_000;
const POLL_MOST_MS = 15_000;

/** The wait before the next read of an import: 1 s, then doubled after each failed read in a row, at most 15 s. */
function retryDelay(failures: number): number {
  return Math.min(POLL_MOST_MS, POLL_MS * 2 ** failures);
}

/** An audience id from a name: lower case, words joined by dashes (the API's ids are short slugs). */
function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

/** Upload a CSV into an audience: the upload's progress, then the import's, then its invalid rows. */
function ImportCsv(props: { audiences: ReadonlyArray<{ id: string; name: string }>; onDone: () => void }) {
  const { herald, apiKey } = useSession();
  const [target, setTarget] = useState('');
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [file, setFile] = useState<File>();
  const [uploaded, setUploaded] = useState<number>();
  const [importId, setImportId] = useState<string>();
  const [job, setJob] = useState<Import>();
  const [error, setError] = useState<string>();
  // Reads of the import's progress that failed in a row, and why the last one did.
  const [misses, setMisses] = useState<{ n: number; why?: string }>({ n: 0 });
  const ended = job?.status === 'completed' || job?.status === 'failed';

  // Follow the import once a second until it ends. A failed read is shown and retried, waiting twice as long after
  // each failure in a row (at most 15 s), so a restarting API or a dropped connection does not stop the bar for good.
  useEffect(() => {
    if (!importId) return;
    if (ended) return props.onDone();
    let live = true;
    const read = () =>
      herald.api.GET('/v1/imports/{id}', { params: { path: { id: importId } } }).then(
        ({ data, error: failed, response }) => {
          if (!live) return;
          if (data) {
            setMisses({ n: 0 });
            setJob(data);
          } else setMisses((m) => ({ n: m.n + 1, why: errorText(failed, response) }));
        },
        (e: unknown) => live && setMisses((m) => ({ n: m.n + 1, why: errorText(e) })),
      );
    const t = setTimeout(() => void read(), job || misses.n > 0 ? retryDelay(misses.n) : 0);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [importId, job, misses]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setJob(undefined);
    setImportId(undefined);
    setMisses({ n: 0 });
    const id = target || slug(name);
    if (!file) return setError('Choose a CSV file: a header row naming a number column, one contact a row.');
    if (!id) return setError('Choose an audience, or name a new one.');
    const query = new URLSearchParams({ ...(target ? {} : { name: name.trim() }), ...(country ? { defaultCountry: country.toUpperCase() } : {}) });
    try {
      setUploaded(0);
      const res = await uploadWithProgress({
        path: `/v1/audiences/${encodeURIComponent(id)}/contacts/import${query.size ? `?${query}` : ''}`,
        apiKey,
        file,
        onProgress: setUploaded,
      });
      if (res.status !== 202) return setError(errorText(res.body));
      setUploaded(1);
      setImportId((res.body as { importId: string }).importId);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const done = job ? job.rowsRead === 0 ? (job.status === 'completed' ? 1 : 0) : (job.imported + job.updated + job.invalid + job.duplicates) / job.rowsRead : 0;
  return (
    <form class="stack card" onSubmit={(e) => void submit(e)} aria-labelledby="import-title">
      <h2 id="import-title">Import contacts from a CSV</h2>
      <label for="import-audience">Into audience</label>
      <select id="import-audience" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
        <option value="">A new audience…</option>
        {props.audiences.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
      {target === '' ? (
        <>
          <label for="import-name">New audience name</label>
          <input id="import-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </>
      ) : null}
      <label for="import-country">Country for numbers without a country code (optional)</label>
      <input id="import-country" value={country} maxLength={2} placeholder="IN" onInput={(e) => setCountry(e.currentTarget.value)} />
      <label for="import-file">CSV file</label>
      <input id="import-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.currentTarget.files?.[0])} aria-describedby="import-help" />
      <p id="import-help" class="help">
        A header row with a <code>number</code> column; <code>name</code> and other columns become the contact’s name and attributes.
      </p>
      <button type="submit">Upload</button>
      {uploaded !== undefined ? <ProgressBar value={uploaded} label="Upload" /> : null}
      {job ? (
        <div role="status">
          <p>
            Import <Status value={job.status} />: {count(job.rowsRead)} rows read, {count(job.imported)} new, {count(job.updated)} updated, {count(job.duplicates)}{' '}
            duplicates, {count(job.invalid)} invalid.
          </p>
          <ProgressBar value={job.status === 'completed' ? 1 : done} label="Import" />
          {job.failure ? <Problem>{job.failure}</Problem> : null}
        </div>
      ) : null}
      {importId && !ended && misses.n > 0 ? (
        <Problem>
          Could not read the import’s progress: {misses.why} Trying again in {Math.round(retryDelay(misses.n) / 1000)} s; the import itself goes on.
        </Problem>
      ) : null}
      {job && job.errors.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption>Invalid rows{job.invalid > job.errors.length ? ` (the first ${count(job.errors.length)} of ${count(job.invalid)})` : ''}</caption>
            <thead>
              <tr>
                <th scope="col" class="num">Row</th>
                <th scope="col">Number</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {job.errors.map((r) => (
                <tr key={r.row}>
                  <td class="num">{r.row}</td>
                  <td>{r.number}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {error ? <Problem>{error}</Problem> : null}
    </form>
  );
}

export function AudiencesPage() {
  const state = useApi((h) => h.api.GET('/v1/audiences'), []);
  return (
    <section aria-labelledby="audiences-title">
      <h1 id="audiences-title">Audiences</h1>
      <div class="split">
        <Loading state={state}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No audiences yet: import a CSV.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Audience</th>
                      <th scope="col">Id</th>
                      <th scope="col" class="num">Contacts</th>
                      <th scope="col">Updated</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((a) => (
                      <tr key={a.id}>
                        <th scope="row">{a.name}</th>
                        <td class="mono">{a.id}</td>
                        <td class="num">{count(a.size)}</td>
                        <td>{when(a.updatedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loading>
        <ImportCsv audiences={state.data ?? []} onDone={state.reload} />
      </div>
    </section>
  );
}
