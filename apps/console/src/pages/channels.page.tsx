import { useApi } from '../use-api';
import { count, when } from '../format';
import { Empty, Loading, Status } from '../components/feedback';

const TIERS: Record<string, string> = { '250': '250 / day', '2000': '2,000 / day', '10000': '10,000 / day', '100000': '100,000 / day', unlimited: 'unlimited' };

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
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Channel</th>
                    <th scope="col">Type</th>
                    <th scope="col">Number / sender</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">Rate</th>
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
          )
        }
      </Loading>
    </section>
  );
}
