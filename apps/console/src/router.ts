import { useEffect, useState } from 'preact/hooks';

/** Where the console is: the hash after `#`, split into path segments and query (`#/messages?status=failed`). */
export interface Route {
  readonly parts: readonly string[];
  readonly query: URLSearchParams;
}

function current(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?', 2);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

/** The route, updated on every hash change (links, back and forward buttons). */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => setRoute(current());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** A console address: `href('campaigns', id)` → `#/campaigns/<id>`, with an optional query. */
export function href(...parts: Array<string | Record<string, string | undefined>>): string {
  const segments = parts.filter((p): p is string => typeof p === 'string').map(encodeURIComponent);
  const query = parts.find((p): p is Record<string, string | undefined> => typeof p === 'object');
  const search = query ? new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1])).toString() : '';
  return `#/${segments.join('/')}${search ? `?${search}` : ''}`;
}

export function go(to: string): void {
  location.hash = to.replace(/^#/, '');
}
