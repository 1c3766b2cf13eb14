import { useAction, useApi, useSession } from '../use-api';
import { count, when } from '../format';
import { Empty, Loading, Problem, Status } from '../components/feedback';

const TIERS: Record<string, string> = {
  '250': '250 / day',
  '2000': '2,000 / day',
  '10000': '10,000 / day',
  '100000': '100,000 / day',
  unlimited: 'unlimited',
};

/** Sender numbers: whether each sends (paused and why), its rate limit, its messaging tier, and when limits were read. */
export function ChannelsPage() {
  const state = useApi((h) => h.api.GET('/v1/channels'), []);
  return (
    <section aria-labelledby="channels-title">
      <h1 id="channels-title">Channels</h1>
      <Loading state={state}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No channels. Add a sender number with POST /v1/channels (docs/CHANNELS.md).</Empty>
          ) : (
            <div>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Channel</th>
                      <th scope="col">Type</th>
                      <th scope="col">Number / sender</th>
                      <th scope="col">Status</th>
                      <th scope="col" class="num">
                        Rate
                      </th>
                      <th scope="col">Tier</th>
                      <th scope="col">Health</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((c) => (
                      <tr key={c.id}>
                        <th scope="row">
                          {c.name}
                          {c.isDefault ? <span class="muted"> (default)</span> : null}
                        </th>
                        <td>{c.type}</td>
                        <td>{c.displayPhoneNumber ?? c.senderId}</td>
                        <td>
                          <Status value={c.status} />
                        </td>
                        <td class="num">{count(c.messagesPerSecond)} / s</td>
                        <td>{c.messagingTier ? (TIERS[c.messagingTier] ?? c.messagingTier) : '—'}</td>
                        <td>
                          {c.status === 'paused' ? (c.statusReason ?? 'Paused') : 'Sending'}
                          {c.limitsReadAt ? <span class="muted"> · limits read {when(c.limitsReadAt)}</span> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {list.map((c) => (
                <SetAside key={c.id} channelId={c.id} name={c.name} />
              ))}
            </div>
          )
        }
      </Loading>
    </section>
  );
}

/**
 * A channel's webhook events a worker could not apply (set aside, /v1/channels/:id/failed-webhook-events): when, why,
 * and Replay (once the cause is fixed) or Discard. Nothing is shown for a channel without any.
 */
function SetAside(props: { channelId: string; name: string }) {
  const { herald } = useSession();
  const events = useApi(
    (h) =>
      h.api.GET('/v1/channels/{id}/failed-webhook-events', {
        params: { path: { id: props.channelId }, query: { limit: 50 } as never },
      }),
    [props.channelId],
  );
  const { notice, act } = useAction(events);
  if (events.error) return <Problem>{events.error}</Problem>;
  const list = events.data?.data ?? [];
  if (list.length === 0 && !notice) return null;
  const titleId = `set-aside-${props.channelId}`;
  return (
    <section aria-labelledby={titleId} class="set-aside">
      <h2 id={titleId}>Webhook events set aside: {props.name}</h2>
      {notice ? <p role="status">{notice}</p> : null}
      {list.length === 0 ? null : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Why it could not be applied</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.receivedAt)}</td>
                  <td>{e.error}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() =>
                        void act(
                          herald.api.POST('/v1/channels/{id}/failed-webhook-events/{eventId}/replay', {
                            params: { path: { id: props.channelId, eventId: e.id } },
                          }),
                          `Event ${e.id} is being applied again.`,
                        )
                      }
                    >
                      Replay
                    </button>{' '}
                    <button
                      type="button"
                      class="secondary"
                      onClick={() =>
                        void act(
                          herald.api.DELETE('/v1/channels/{id}/failed-webhook-events/{eventId}', {
                            params: { path: { id: props.channelId, eventId: e.id } },
                          }),
                          `Event ${e.id} was discarded.`,
                        )
                      }
                    >
                      Discard
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
