import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { forgetKey, heraldFor, saveKey, storedKey } from './session';
import { href, useRoute, type Route } from './router';
import { SessionContext, type Session } from './use-api';
import { SignInPage } from './pages/sign-in.page';
import { CampaignsPage } from './pages/campaigns.page';
import { CampaignNewPage } from './pages/campaign-new.page';
import { CampaignPage } from './pages/campaign.page';
import { RunPage } from './pages/run.page';
import { BlastsPage, BlastPage } from './pages/blasts.page';
import { MessagesPage } from './pages/messages.page';
import { MessagePage } from './pages/message.page';
import { AudiencesPage } from './pages/audiences.page';
import { TemplatesPage } from './pages/templates.page';
import { ChannelsPage } from './pages/channels.page';
import { CallbacksPage, CallbackDeliveriesPage } from './pages/callbacks.page';
import { QueuesPage } from './pages/queues.page';

const NAV = [
  ['campaigns', 'Campaigns'],
  ['blasts', 'Blasts'],
  ['messages', 'Messages'],
  ['audiences', 'Audiences'],
  ['templates', 'Templates'],
  ['channels', 'Channels'],
  ['callbacks', 'Callbacks'],
  ['queues', 'Queues'],
] as const;

function page(route: Route) {
  const [section, id, sub, subId] = route.parts;
  switch (section) {
    case 'campaigns':
      if (id === 'new') return <CampaignNewPage />;
      if (id && sub === 'runs' && subId) return <RunPage campaignId={id} runId={subId} />;
      if (id) return <CampaignPage id={id} />;
      return <CampaignsPage />;
    case 'blasts':
      return id ? <BlastPage id={id} /> : <BlastsPage />;
    case 'messages':
      return id ? <MessagePage id={id} /> : <MessagesPage query={route.query} />;
    case 'audiences':
      return <AudiencesPage />;
    case 'templates':
      return <TemplatesPage />;
    case 'channels':
      return <ChannelsPage />;
    case 'callbacks':
      return id ? <CallbackDeliveriesPage id={id} query={route.query} /> : <CallbacksPage />;
    case 'queues':
      return <QueuesPage />;
    default:
      return <CampaignsPage />;
  }
}

export function App() {
  const [apiKey, setApiKey] = useState(storedKey);
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const session = useMemo<Session | null>(
    () =>
      apiKey
        ? {
            apiKey,
            herald: heraldFor(apiKey),
            signOut: () => {
              forgetKey();
              setApiKey(null);
            },
          }
        : null,
    [apiKey],
  );
  // A new page moves focus to its content, as a page load would, so keyboard and screen-reader users start there.
  const path = route.parts.join('/');
  useEffect(() => main.current?.focus(), [path]);

  if (!session) {
    return (
      <SignInPage
        onSignIn={(key) => {
          saveKey(key);
          setApiKey(key);
        }}
      />
    );
  }
  const section = route.parts[0] ?? 'campaigns';
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('campaigns')}>
          Herald
        </a>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <a href={href(to)} aria-current={section === to ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="link-button" onClick={session.signOut}>
          Sign out
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page(route)}
      </main>
    </SessionContext.Provider>
  );
}
