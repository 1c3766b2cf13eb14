import { useState } from 'preact/hooks';
import { go, href } from '../router';
import { useApi } from '../use-api';
import { when } from '../format';
import { Empty, ErrorInfo, Loading, Status } from '../components/feedback';
import { Pager, useCursors } from '../components/pager';

const STATUSES = ['scheduled', 'queued', 'sending', 'accepted', 'held', 'sent', 'delivered', 'read', 'failed', 'expired', 'cancelled', 'skipped'];
const FIELDS = ['template', 'tag', 'status', 'number', 'from', 'to', 'runId', 'campaignId'] as const;
type Field = (typeof FIELDS)[number];

/** A date input's day as the API's ISO bound: `from` at the day's start, `to` at the next day's start (local time). */
function bound(day: string | undefined, end: boolean): string | undefined {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

/**
 * Every send, newest first, filtered by template, tag, status, number and day. The filters live in the address
 * (`#/messages?status=failed`), so a filtered view can be bookmarked and the back button restores it.
 */
export function MessagesPage(props: { query: URLSearchParams }) {
  const filters = Object.fromEntries(FIELDS.map((f) => [f, props.query.get(f) ?? ''])) as Record<Field, string>;
  const key = props.query.toString();
  // The form shows the address's filters until edited; a new address (Filter, Clear, a link, back) replaces the edits.
  const [edited, setEdited] = useState<{ key: string; values: Record<Field, string> }>();
  const draft = edited?.key === key ? edited.values : filters;
  const setDraft = (values: Record<Field, string>) => setEdited({ key, values });
  const cursors = useCursors(key);
  const cursor = cursors.cursor;
  const state = useApi(
    (h) =>
      h.api.GET('/v1/messages', {
        params: {
          query: {
            limit: 50,
            ...(cursor ? { cursor } : {}),
            ...(filters.template ? { template: filters.template } : {}),
            ...(filters.tag ? { tag: filters.tag } : {}),
            ...(filters.status ? { status: filters.status } : {}),
            ...(filters.number ? { number: filters.number } : {}),
            ...(filters.runId ? { runId: filters.runId } : {}),
            ...(filters.campaignId ? { campaignId: filters.campaignId } : {}),
            ...(filters.from ? { from: bound(filters.from, false) } : {}),
            ...(filters.to ? { to: bound(filters.to, true) } : {}),
          } as never,
        },
      }),
    [key, cursor],
  );
  const apply = (e: Event) => {
    e.preventDefault();
    cursors.reset();
    go(href('messages', Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, v.trim() || undefined]))));
  };
  const set = (field: Field) => (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [field]: e.currentTarget.value });

  return (
    <section aria-labelledby="messages-title">
      <h1 id="messages-title">Messages</h1>
      <form class="filters wrap" onSubmit={apply} aria-label="Filter messages">
        <label>
          Template
          <input name="template" value={draft.template} onInput={set('template')} />
        </label>
        <label>
          Tag
          <input name="tag" value={draft.tag} onInput={set('tag')} />
        </label>
        <label>
          Status
          <select name="status" value={draft.status} onChange={set('status')}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Number
          <input name="number" type="tel" value={draft.number} onInput={set('number')} placeholder="+91…" />
        </label>
        <label>
          From
          <input name="from" type="date" value={draft.from} onInput={set('from')} />
        </label>
        <label>
          To
          <input name="to" type="date" value={draft.to} onInput={set('to')} />
        </label>
        <button type="submit">Filter</button>
        <a class="button secondary" href={href('messages')} onClick={() => (setEdited(undefined), cursors.reset())}>
          Clear
        </a>
      </form>
      {filters.runId ? <p class="help">Showing the sends of one run.</p> : null}
      <Loading state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No messages match these filters.</Empty>
          ) : (
            <>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">To</th>
                      <th scope="col">Template</th>
                      <th scope="col">Status</th>
                      <th scope="col">Error</th>
                      <th scope="col">Tags</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.data.map((m) => (
                      <tr key={m.id}>
                        <td>
                          <a href={href('messages', m.id)}>{when(m.createdAt)}</a>
                        </td>
                        <td>{m.to}</td>
                        <td>{m.template ?? m.type}</td>
                        <td>
                          <Status value={m.status} />
                        </td>
                        <td>
                          <ErrorInfo error={m.error} />
                        </td>
                        <td>{m.tags.join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager cursors={cursors} nextCursor={page.nextCursor} />
            </>
          )
        }
      </Loading>
    </section>
  );
}
