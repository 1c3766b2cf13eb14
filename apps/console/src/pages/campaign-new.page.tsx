import { useMemo, useState } from 'preact/hooks';
import { errorText } from '../session';
import { go, href } from '../router';
import { useApi, useSession } from '../use-api';
import { Problem } from '../components/feedback';
import { WhatsAppBubble } from '../components/whatsapp-bubble';
import { newRequestId } from '../request-id';

interface ButtonRow {
  text: string;
  type: 'input' | 'url';
  url: string;
}

/** The API's button objects: a quick reply stores the press under `answer`; a URL button opens its address. */
function buttonBodies(rows: readonly ButtonRow[]) {
  return rows
    .filter((b) => b.text.trim() !== '')
    .map((b) => (b.type === 'url' ? { text: b.text.trim(), type: 'url', url: b.url.trim() } : { text: b.text.trim(), type: 'input', input: 'answer' }));
}

export function CampaignNewPage() {
  const { herald } = useSession();
  const channels = useApi((h) => h.api.GET('/v1/channels'), []);
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('Hi {{name}}, ');
  const [imgUrl, setImgUrl] = useState('');
  const [templateType, setTemplateType] = useState<'MARKETING' | 'UTILITY'>('MARKETING');
  const [channelId, setChannelId] = useState('');
  const [buttons, setButtons] = useState<ButtonRow[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const whatsapp = (channels.data ?? []).filter((c) => c.type === 'whatsapp');
  const business = whatsapp.find((c) => c.id === channelId)?.name ?? whatsapp.find((c) => c.isDefault)?.name ?? 'Your business';

  // One key per form as filled in: sent again unchanged (a retry after a network failure, a second click), the create
  // answers the campaign it made instead of registering a second template.
  const requestId = useMemo(newRequestId, [title, message, imgUrl, templateType, channelId, buttons]);
  const setButton = (i: number, change: Partial<ButtonRow>) => setButtons(buttons.map((b, j) => (j === i ? { ...b, ...change } : b)));
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = {
      title: title.trim(),
      message,
      templateType,
      ...(imgUrl.trim() ? { imgUrl: imgUrl.trim() } : {}),
      ...(channelId ? { channelId } : {}),
      ...(buttons.length ? { buttons: buttonBodies(buttons) } : {}),
      requestId,
    };
    try {
      const { data, error: failed, response } = await herald.api.POST('/v1/campaigns', { body: body as never });
      if (data) return go(href('campaigns', data.campaignId));
      setError(errorText(failed, response));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="new-campaign-title">
      <p class="crumbs">
        <a href={href('campaigns')}>Campaigns</a> /
      </p>
      <h1 id="new-campaign-title">New campaign</h1>
      <div class="split">
        <form class="stack" onSubmit={(e) => void submit(e)}>
          <label for="c-title">Title</label>
          <input id="c-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} required maxLength={200} />
          <label for="c-channel">Channel</label>
          <select id="c-channel" value={channelId} onChange={(e) => setChannelId(e.currentTarget.value)}>
            <option value="">The workspace’s default channel</option>
            {whatsapp.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.displayPhoneNumber})
              </option>
            ))}
          </select>
          <label for="c-type">Template category</label>
          <select id="c-type" value={templateType} onChange={(e) => setTemplateType(e.currentTarget.value as typeof templateType)}>
            <option value="MARKETING">Marketing</option>
            <option value="UTILITY">Utility</option>
          </select>
          <label for="c-message">Message</label>
          <textarea
            id="c-message"
            rows={5}
            maxLength={1024}
            value={message}
            onInput={(e) => setMessage(e.currentTarget.value)}
            aria-describedby="c-message-help"
            required
          />
          <p id="c-message-help" class="help">
            Up to 1,024 characters. <code>{'{{name}}'}</code>, <code>{'{{attributes.city}}'}</code>: the contact’s; <code>{'{orders.id}'}</code>: a variable
            group’s field.
          </p>
          <label for="c-image">Header image URL (optional)</label>
          <input id="c-image" type="url" value={imgUrl} onInput={(e) => setImgUrl(e.currentTarget.value)} placeholder="https://…" />
          <fieldset>
            <legend>Buttons (optional, up to 3)</legend>
            {buttons.map((b, i) => (
              <div class="button-row" key={i}>
                <label>
                  Label {i + 1}
                  <input value={b.text} maxLength={25} onInput={(e) => setButton(i, { text: e.currentTarget.value })} />
                </label>
                <label>
                  Kind
                  <select value={b.type} onChange={(e) => setButton(i, { type: e.currentTarget.value as ButtonRow['type'] })}>
                    <option value="input">Quick reply</option>
                    <option value="url">Link</option>
                  </select>
                </label>
                {b.type === 'url' ? (
                  <label>
                    Link
                    <input type="url" value={b.url} onInput={(e) => setButton(i, { url: e.currentTarget.value })} />
                  </label>
                ) : null}
                <button type="button" class="link-button" onClick={() => setButtons(buttons.filter((_, j) => j !== i))}>
                  Remove<span class="visually-hidden"> button {i + 1}</span>
                </button>
              </div>
            ))}
            {buttons.length < 3 ? (
              <button type="button" class="secondary" onClick={() => setButtons([...buttons, { text: '', type: 'input', url: '' }])}>
                Add a button
              </button>
            ) : null}
          </fieldset>
          {error ? <Problem>{error}</Problem> : null}
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create campaign'}
          </button>
          <p class="help">Herald registers the message as a WhatsApp template; Meta reviews it before a run can send.</p>
        </form>
        <div class="preview">
          <h2>Preview</h2>
          <WhatsAppBubble message={message} imgUrl={imgUrl.trim() || undefined} buttons={buttons.map((b) => b.text)} business={business} />
        </div>
      </div>
    </section>
  );
}
