import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { createContext } from 'preact';
import type { Herald } from '@herald/client';
import { errorText } from './session';

export interface Session {
  readonly herald: Herald;
  readonly apiKey: string;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** An openapi-fetch answer: the parsed body or the error body, and the response. */
export interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: string;
  readonly loading: boolean;
  reload(): void;
}

/** Calls the API when `deps` change; `reload()` calls it again. Errors become the API's own sentence. */
export function useApi<T>(call: (herald: Herald) => Promise<Answer<T>>, deps: unknown[]): Loaded<T> {
  const { herald } = useSession();
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    call(herald)
      .then((a) => {
        if (!live) return;
        if (a.error !== undefined || !a.response.ok) setState({ loading: false, error: errorText(a.error, a.response) });
        else setState({ loading: false, data: a.data });
      })
      .catch((e: unknown) => live && setState({ loading: false, error: errorText(e) }));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/**
 * An action on what `loaded` shows (replay, redeliver, sync…): `act(call, done)` makes the call, says `done` or the
 * API's own sentence in `notice`, and reloads. `say` sets the notice before a slow call.
 */
export function useAction(loaded: Pick<Loaded<unknown>, 'reload'>): {
  notice?: string;
  act(call: Promise<{ error?: unknown; response: Response }>, done: string): Promise<void>;
  say(notice: string): void;
} {
  const [notice, setNotice] = useState<string>();
  const act = async (call: Promise<{ error?: unknown; response: Response }>, done: string) => {
    try {
      const { error, response } = await call;
      setNotice(response.ok ? done : errorText(error, response));
    } catch (error) {
      setNotice(errorText(error));
    }
    loaded.reload();
  };
  return { ...(notice === undefined ? {} : { notice }), act, say: setNotice };
}
