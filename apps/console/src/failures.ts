import type { components } from '@herald/client';
import { jsonArrayItems } from './json-array';

type Recipient = components['schemas']['RecipientDto'];

export interface FailureGroup {
  readonly code: string;
  readonly title: string | null;
  readonly n: number;
}

export interface Failures {
  /** Most frequent first. */
  readonly groups: FailureGroup[];
  /** Failed recipients read. */
  readonly counted: number;
  /** False when more failed recipients followed than were read. */
  readonly complete: boolean;
}

/**
 * A run's failed recipients (a streamed JSON array of failed ones only) grouped by error code, reading at most `most`
 * of them: memory stays one group per code, and a run where nearly everything failed costs a bounded download.
 */
export async function groupFailures(body: ReadableStream<Uint8Array>, most: number): Promise<Failures> {
  const groups = new Map<string, { code: string; title: string | null; n: number }>();
  let counted = 0;
  let complete = true;
  for await (const text of jsonArrayItems(body)) {
    if (counted === most) {
      complete = false;
      break;
    }
    counted++;
    const r = JSON.parse(text) as Recipient;
    const code = r.errorCode ?? 'unknown';
    const g = groups.get(code) ?? { code, title: r.errorCode ? r.errorTitle : 'No error code recorded', n: 0 };
    g.n++;
    groups.set(code, g);
  }
  return { groups: [...groups.values()].sort((a, b) => b.n - a.n), counted, complete };
}
