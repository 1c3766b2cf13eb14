import type { ComponentChildren } from 'preact';

/** A load in progress, an API error, or the content: one place decides what a page shows while it waits. */
export function Loading<T>(props: { state: { data?: T; error?: string; loading: boolean }; children: (data: T) => ComponentChildren }) {
  const { data, error, loading } = props.state;
  if (error) return <Problem>{error}</Problem>;
  if (data === undefined) return <p class="muted" aria-busy={loading}>Loading…</p>;
  return <>{props.children(data)}</>;
}

export function Problem(props: { children: ComponentChildren }) {
  return (
    <p class="problem" role="alert">
      {props.children}
    </p>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

/** A status word with a colour that also reads without colour (the word itself is the meaning). */
export function Status(props: { value: string | null | undefined }) {
  const v = props.value ?? 'unknown';
  return <span class={`badge badge-${v.toLowerCase().replace(/[^a-z]+/g, '-')}`}>{v.replace(/_/g, ' ')}</span>;
}

/** A provider error: its code and title, what happened, and the provider's documentation for it (Meta's or Telegram's). */
export function ErrorInfo(props: { error: { code: string; title?: string | null; details?: string | null; docsUrl?: string | null } | null | undefined }) {
  const e = props.error;
  if (!e) return <span class="muted">—</span>;
  return (
    <span class="error-info">
      <strong>{e.code}</strong> {e.title ?? ''}
      {e.details ? <span class="muted"> — {e.details}</span> : null}
      {e.docsUrl ? (
        <>
          {' '}
          <a href={e.docsUrl} target="_blank" rel="noopener noreferrer" class="docs-link">
            {/facebook\.com|meta\.com/.test(e.docsUrl) ? 'Meta docs' : 'Provider docs'}
            <span class="visually-hidden"> for error {e.code} (opens in a new tab)</span>
          </a>
        </>
      ) : null}
    </span>
  );
}
