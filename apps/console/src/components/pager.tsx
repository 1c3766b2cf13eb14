import { useState } from 'preact/hooks';

export interface Cursors {
  /** The cursor of the page shown; undefined for the newest page. */
  readonly cursor: string | undefined;
  readonly newer: (() => void) | undefined;
  readonly older: (next: string) => void;
  /** Back to the newest page (filters submitted again unchanged). */
  readonly reset: () => void;
}

/**
 * The cursors walked through a list that answers `nextCursor` (newest first). They belong to the filters they were
 * read with: when `key` (the filters) changes by any path — a form, a link, the back button — paging starts again from
 * the newest page, so an old cursor is never sent with new filters.
 */
export function useCursors(key: string): Cursors {
  const [state, setState] = useState<{ key: string; cursors: readonly string[] }>({ key, cursors: [] });
  const cursors = state.key === key ? state.cursors : [];
  return {
    cursor: cursors[cursors.length - 1],
    newer: cursors.length > 0 ? () => setState({ key, cursors: cursors.slice(0, -1) }) : undefined,
    older: (next) => setState({ key, cursors: [...cursors, next] }),
    reset: () => setState({ key, cursors: [] }),
  };
}

/** "Newer" and "Older" buttons under a list page. */
export function Pager(props: { cursors: Cursors; nextCursor: string | null | undefined }) {
  const { newer, older } = props.cursors;
  const next = props.nextCursor;
  if (!newer && !next) return null;
  return (
    <div class="actions">
      {newer ? (
        <button type="button" class="secondary" onClick={newer}>
          Newer
        </button>
      ) : null}
      {next ? (
        <button type="button" class="secondary" onClick={() => older(next)}>
          Older
        </button>
      ) : null}
    </div>
  );
}
