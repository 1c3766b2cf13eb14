import { useState } from 'preact/hooks';
import { errorText, heraldFor } from '../session';
import { Problem } from '../components/feedback';

/** Asks for an API key and checks it against the API before keeping it for this tab. */
export function SignInPage(props: { onSignIn: (apiKey: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const apiKey = key.trim();
    if (apiKey === '') return setError('Enter an API key: it starts with hrld_.');
    setBusy(true);
    setError(undefined);
    try {
      const { error: failed, response } = await heraldFor(apiKey).api.GET('/v1/settings');
      if (response.ok) return props.onSignIn(apiKey);
      setError(response.status === 401 ? 'This API key was not accepted: check it, or create a new one with the CLI.' : errorText(failed, response));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <h1>Herald console</h1>
      <p>Sign in with a workspace API key. It stays in this browser tab only and is forgotten when the tab closes.</p>
      <form onSubmit={(e) => void submit(e)}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="off"
          spellcheck={false}
          placeholder="hrld_…"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby={error ? 'sign-in-error' : undefined}
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {error ? (
        <div id="sign-in-error">
          <Problem>{error}</Problem>
        </div>
      ) : null}
      <p class="muted">
        No key? <code>npm start</code> prints a demo key; <code>npm run cli -- workspace create Acme</code> makes a workspace and its key.
      </p>
    </main>
  );
}
