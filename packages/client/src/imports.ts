import { csvBody, type CsvInput } from './csv';
import { HeraldError, ok } from './errors';
import type { HeraldApi, Import, ImportAccepted, ImportOptions } from './types';

export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** Between two reads (default 250 ms). */
  readonly intervalMs?: number;
}

/** CSV imports: contacts into an audience. The API answers at once with an id; the import runs in a worker. */
export class Imports {
  constructor(private readonly api: HeraldApi) {}

  /**
   * Uploads a CSV (a header row naming a `number` column; other columns become attributes) into the audience
   * `audienceId`, created with `options.name` when it does not exist.
   */
  upload(audienceId: string, csv: CsvInput, options: ImportOptions = {}): Promise<ImportAccepted> {
    return ok(this.api.POST('/v1/audiences/{id}/contacts/import', { params: { path: { id: audienceId }, query: options }, ...csvBody(csv) }));
  }

  get(id: string): Promise<Import> {
    return ok(this.api.GET('/v1/imports/{id}', { params: { path: { id } } }));
  }

  /** Reads the import until it has completed or failed, and returns it (its counts and invalid rows). */
  async wait(id: string, options: WaitOptions = {}): Promise<Import> {
    const until = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const current = await this.get(id);
      if (current.status === 'completed' || current.status === 'failed') return current;
      if (Date.now() >= until) throw new HeraldError(0, 'wait_timeout', `Import ${id} is still ${current.status} after ${options.timeoutMs ?? 60_000} ms.`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    }
  }
}
