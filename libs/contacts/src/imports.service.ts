import { Injectable, Logger } from '@nestjs/common';
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { CallbackOutbox, NO_KICK, type CallbackKick } from '@herald/callbacks';
import { Clock, HeraldError, isUuid } from '@herald/common';
import { AudienceRepository } from './audience.repository';
import { ALL_AUDIENCE_ID, AUDIENCE_ID } from './audience.types';
import { timezoneOf } from './contact-entries.util';
import { asUtf8 } from './csv-encoding.util';
import { MAX_HEADER_BYTES, headerEnd, readCsvHeader, type CsvHeader } from './csv-header.util';
import type { ImportKind, ImportRowError, ImportTarget } from './import.entity';
import { MERGE_BATCH_ROWS } from './import-staging.session';
import { ImportRepository, type ImportData, type MergeCounts } from './import.repository';
import { IMPORT_CHUNK_BYTES, MAX_IMPORT_ERRORS, type ImportProgress, type ImportRequest, type ImportView } from './import.types';
import { isValidCountryCode, normalizePhoneNumber } from './phone-number.util';
import { VariableGroupRepository } from './variable-group.repository';
import { VARIABLE_GROUP_ID } from './variable-group.types';

const PROGRESS_EVERY_MS = 1_000;
const YIELD_EVERY_ROWS = 256;
const PARSE_SLICE_BYTES = 64 * 1024;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const MAX_VALUE_LENGTH = 1_000;

export interface ProcessOptions {
  readonly onProgress?: (p: ImportProgress) => void;
  /** Rows merged per batch (see StagingSession); smaller only in tests, to cross batch boundaries. */
  readonly batchRows?: number;
}

export type ProcessOutcome =
  { readonly status: 'completed'; readonly counts: MergeCounts } | { readonly status: 'skipped' | 'busy' };

function invalid(field: string, issue: string, message: string): HeraldError {
  return new HeraldError('invalid', 'validation_failed', message, [{ field, issue }]);
}

/**
 * CSV imports of contacts into audiences and of values into variable groups. The upload is checked (header,
 * number column, target) and stored in Postgres as it streams in; a job then parses it, normalises every
 * number and merges the rows batch by batch (COPY, then set-based SQL) in one transaction, Postgres merging
 * one batch while the next is parsed.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    private readonly imports: ImportRepository,
    private readonly audiences: AudienceRepository,
    private readonly groups: VariableGroupRepository,
    private readonly outbox: CallbackOutbox,
    private readonly clock: Clock,
  ) {}

  /**
   * An \`import.status\` event, written with the change it reports (\`query\`: the change's transaction) when the
   * workspace listens for it.
   */
  private async importEvent(
    query: EntityManager,
    data: ImportData,
    status: 'running' | 'completed' | 'failed',
    extra: Record<string, unknown> = {},
  ): Promise<CallbackKick> {
    if ((await this.outbox.subscribed([data.workspaceId], 'import.status', query)).size === 0) return NO_KICK;
    return this.outbox.record(query, [
      {
        workspaceId: data.workspaceId,
        type: 'import.status',
        occurredAt: this.clock.now().toJSDate(),
        data: { importId: data.id, kind: data.kind, status, ...extra },
      },
    ]);
  }

  /** Refuses a request whose target cannot be used, before any byte is read. */
  async checkRequest(workspaceId: string, request: ImportRequest): Promise<void> {
    this.validate(request);
    if (request.kind === 'audience_contacts' && request.audienceId !== ALL_AUDIENCE_ID && request.audienceName === undefined) {
      if ((await this.audiences.pkOf(workspaceId, request.audienceId)) === undefined) {
        throw new HeraldError(
          'not_found',
          'audience_not_found',
          `No audience with id "${request.audienceId}" exists in this workspace; give a name to create it.`,
        );
      }
    }
    if (request.kind === 'variable_group_values' && request.groupName === undefined) {
      if ((await this.groups.pkOf(workspaceId, request.groupId)) === undefined) {
        throw new HeraldError(
          'not_found',
          'variable_group_not_found',
          `No variable group with id "${request.groupId}" exists in this workspace; give a name to create it.`,
        );
      }
    }
  }

  /**
   * Stores an upload as it streams in (never all of it in memory) and returns the import's id. `request` is
   * asked for once the body has ended, since multipart fields may follow the file. Nothing is kept when the
   * header, the target or the upload is bad. `encoding` (a WHATWG name, `csvEncoding`) is the file's when it has no
   * byte order mark; it is stored as UTF-8 (`asUtf8`), and `maxBytes` counts those bytes.
   */
  async stage(
    workspaceId: string,
    kind: ImportKind,
    body: AsyncIterable<Buffer>,
    request: () => ImportRequest | Promise<ImportRequest>,
    maxBytes: number,
    encoding?: string,
  ): Promise<string> {
    const iterator = asUtf8(body, encoding)[Symbol.asyncIterator]();
    let pending: Buffer = Buffer.alloc(0);
    let ended = false;
    while (headerEnd(pending) === -1 && !ended) {
      const next = await iterator.next();
      if (next.done) ended = true;
      else pending = Buffer.concat([pending, next.value]);
      if (pending.length > MAX_HEADER_BYTES && headerEnd(pending) === -1) {
        throw new HeraldError(
          'invalid',
          'invalid_csv',
          'The file is not a CSV Herald can read: no header row within the first 64 KB.',
        );
      }
    }
    const header = readCsvHeader(pending);

    return this.imports.transaction(async (manager) => {
      const importId = await this.imports.insert(manager, { workspaceId, kind, target: {}, header });
      let seq = 0;
      const store = async (final: boolean) => {
        while (pending.length >= IMPORT_CHUNK_BYTES || (final && pending.length > 0)) {
          const piece = pending.subarray(0, IMPORT_CHUNK_BYTES);
          pending = pending.subarray(piece.length);
          await this.imports.insertChunk(manager, importId, seq++, Buffer.from(piece));
        }
      };
      let size = pending.length;
      while (!ended) {
        const next = await iterator.next();
        if (next.done) break;
        size += next.value.length;
        if (size > maxBytes) {
          throw new HeraldError('too_large', 'payload_too_large', `The file is larger than the ${maxBytes}-byte import limit.`);
        }
        pending = pending.length === 0 ? next.value : Buffer.concat([pending, next.value]);
        await store(false);
      }
      await store(true);
      const target = await this.prepareTarget(manager, workspaceId, kind, await request(), header);
      await this.imports.markQueued(manager, importId, size, target);
      return importId;
    });
  }

  async get(workspaceId: string, id: string): Promise<ImportView> {
    const found = isUuid(id) ? await this.imports.find(workspaceId, id) : undefined;
    if (!found) throw new HeraldError('not_found', 'import_not_found', `No import with id "${id}" exists in this workspace.`);
    return this.view(found);
  }

  /** Imports to hand to a worker again: queued or running for over `seconds`, e.g. after Redis lost their jobs. */
  unfinished(seconds: number): Promise<string[]> {
    return this.imports.unfinishedSince(seconds);
  }

  /** Records why an attempt failed; the last attempt fails the import. */
  async recordFailure(importId: string, error: unknown, final: boolean): Promise<void> {
    const failure = error instanceof Error ? error.message : String(error);
    const data = final ? await this.imports.findById(importId) : undefined;
    if (!data) {
      await this.imports.recordFailure(importId, failure, final);
      return;
    }
    await this.imports.transaction(async (manager) => {
      // Told only when this failure ended the import (a late one after its completion changes nothing).
      if (await this.imports.recordFailure(importId, failure, final, manager)) await this.importEvent(manager, data, 'failed', { failure });
    });
  }

  /**
   * Applies a staged import. Idempotent: a completed import is skipped, and a retry after a crash starts
   * again from the stored upload (all batches commit together with the completion record, or none). Only one
   * process works on an import at a time (advisory lock); another answers `busy`.
   */
  async process(importId: string, options: ProcessOptions = {}): Promise<ProcessOutcome> {
    const { onProgress, batchRows = MERGE_BATCH_ROWS } = options;
    const data = await this.imports.findById(importId);
    if (!data || data.status === 'completed' || data.status === 'failed' || data.status === 'receiving')
      return { status: 'skipped' };
    const targets = await this.targetKeys(data);
    const session = await this.imports.openStaging(importId, { workspaceId: data.workspaceId, ...targets }, batchRows);
    if (!session) return { status: 'busy' };
    try {
      await this.imports.transaction(async (manager) => {
        // Told when it starts (queued → running), not again when an attempt starts over.
        if (await this.imports.markRunning(importId, manager)) await this.importEvent(manager, data, 'running');
      });
      const counters = { rowsRead: 0, bytesRead: 0, invalid: 0, errors: [] as ImportRowError[] };
      const fail = (row: number, number: string | null, reason: string) => {
        counters.invalid += 1;
        if (counters.errors.length < MAX_IMPORT_ERRORS) counters.errors.push({ row, number, reason });
      };
      const report = async (phase: ImportProgress['phase']) => {
        onProgress?.({ rowsRead: counters.rowsRead, bytesRead: counters.bytesRead, sizeBytes: data.sizeBytes, phase });
        if (phase === 'parsing') await this.imports.progress(importId, counters.rowsRead, counters.bytesRead);
      };

      const chunks = this.imports.chunks(importId);
      const source = Readable.from(
        (async function* () {
          for await (const chunk of chunks) {
            // In slices: the parser turns all of what it is given into records at once, and a stored chunk's
            // worth of records waiting to be read would outlive the young generation and bloat the heap.
            for (let at = 0; at < chunk.length; at += PARSE_SLICE_BYTES) {
              const slice = chunk.subarray(at, at + PARSE_SLICE_BYTES);
              counters.bytesRead += slice.length;
              yield slice;
            }
          }
        })(),
      );
      const parser = source.pipe(
        parse({
          delimiter: data.delimiter,
          bom: true,
          from_line: 2,
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: true,
          skip_records_with_error: true,
          on_skip: (error) => {
            counters.rowsRead += 1;
            fail(counters.rowsRead + 1, null, `not a readable CSV row (${error?.message ?? 'malformed'})`);
            return undefined;
          },
        }),
      );
      const defaultCountry = data.target.defaultCountry;
      const valueColumns = data.columns
        .map((c, i) => ({ name: c, index: i }))
        .filter((c) => c.index !== data.numberColumn && c.index !== data.nameColumn);
      let lastReport = Date.now();
      for await (const record of parser as AsyncIterable<string[]>) {
        counters.rowsRead += 1;
        const row = counters.rowsRead + 1; // as a spreadsheet numbers it: the header is row 1
        const raw = (record[data.numberColumn] ?? '').trim();
        const unreadable = unreadableText(record);
        if (unreadable !== undefined) {
          fail(row, raw === '' ? null : raw, unreadable);
          continue;
        }
        if (raw === '') {
          fail(row, null, 'number is missing');
          continue;
        }
        const parsed = normalizePhoneNumber(raw, defaultCountry);
        if (!parsed.ok) {
          fail(row, raw, parsed.reason);
          continue;
        }
        const name = data.nameColumn === null ? '' : (record[data.nameColumn] ?? '').trim();
        if (name.length > 200) {
          fail(row, raw, 'name is longer than 200 characters');
          continue;
        }
        const values: Record<string, string> = {};
        let tooLong: string | undefined;
        for (const column of valueColumns) {
          const value = record[column.index];
          if (value === undefined || value === '') continue;
          if (value.length > MAX_VALUE_LENGTH) tooLong = column.name;
          values[column.name] = value;
        }
        if (tooLong !== undefined) {
          fail(row, raw, `${tooLong} is longer than ${MAX_VALUE_LENGTH} characters`);
          continue;
        }
        if (
          session.add({ number: parsed.number, name: name === '' ? null : name, values, timezone: timezoneOf(parsed.country) })
        ) {
          await session.flush();
        }
        // The loop above runs on microtasks only; a turn of the event loop now and then lets the batch being
        // merged meanwhile move on (its statements and COPY data need I/O callbacks).
        if (counters.rowsRead % YIELD_EVERY_ROWS === 0) await yieldToEventLoop();
        if (counters.rowsRead % 1_000 === 0 && Date.now() - lastReport >= PROGRESS_EVERY_MS) {
          lastReport = Date.now();
          await report('parsing');
        }
      }
      await report('merging');
      let done: CallbackKick = NO_KICK;
      const counts = await session.complete(counters, async (manager, merged) => {
        // The completion's event commits with it: the outbox writes through this session's connection.
        done = await this.importEvent(manager, data, 'completed', {
          rowsRead: counters.rowsRead,
          invalid: counters.invalid,
          ...merged,
        });
      });
      await this.outbox.kick(done); // the session began its transaction itself: TypeORM sees no commit to hook
      await report('done');
      this.logger.log(
        `import ${importId}: ${counters.rowsRead} rows, ${counts.imported} new, ${counts.updated} updated, ${counters.invalid} invalid`,
      );
      return { status: 'completed', counts };
    } finally {
      await session.abort();
      await session.close();
    }
  }

  private validate(request: ImportRequest): void {
    if (request.defaultCountry !== undefined && !isValidCountryCode(request.defaultCountry)) {
      throw invalid(
        'defaultCountry',
        'must be an ISO 3166 two-letter country code',
        `"${request.defaultCountry}" is not a country code.`,
      );
    }
    if (request.kind === 'audience_contacts') {
      if (!AUDIENCE_ID.test(request.audienceId)) {
        throw invalid(
          'id',
          'may hold only letters, digits, - and _ (1-64)',
          `"${request.audienceId}" is not a valid audience id.`,
        );
      }
    } else {
      if (!VARIABLE_GROUP_ID.test(request.groupId)) {
        throw invalid(
          'id',
          'may hold only letters, digits, - and _ (1-64)',
          `"${request.groupId}" is not a valid variable group id.`,
        );
      }
      if (request.audienceId !== undefined && (!AUDIENCE_ID.test(request.audienceId) || request.audienceId === ALL_AUDIENCE_ID)) {
        throw invalid(
          'audienceId',
          'must be an audience id other than "all"',
          `"${request.audienceId}" is not an audience id to add to.`,
        );
      }
    }
    for (const [field, value] of [
      ['name', request.kind === 'audience_contacts' ? request.audienceName : request.groupName],
    ] as const) {
      if (value !== undefined && (value.trim() === '' || value.length > 200)) {
        throw invalid(field, 'must be 1 to 200 characters', `${field} must be 1 to 200 characters.`);
      }
    }
  }

  /** Creates the audience or group when asked to (and missing), extends a group's fields with new columns. */
  private async prepareTarget(
    manager: EntityManager,
    workspaceId: string,
    kind: ImportKind,
    request: ImportRequest,
    header: CsvHeader,
  ): Promise<ImportTarget> {
    if (request.kind !== kind) throw new Error(`import kind mismatch: ${request.kind} vs ${kind}`);
    await this.checkRequest(workspaceId, request);
    if (request.kind === 'audience_contacts') {
      if (request.audienceId !== ALL_AUDIENCE_ID && request.audienceName !== undefined) {
        await this.audiences.ensure(workspaceId, { id: request.audienceId, name: request.audienceName }, manager);
      }
      return { audienceId: request.audienceId, defaultCountry: request.defaultCountry };
    }
    const columns = header.valueColumns.map((i) => header.columns[i]!);
    if (columns.length === 0) {
      throw new HeraldError(
        'invalid',
        'invalid_csv',
        'A variable group import needs at least one column besides number and name.',
      );
    }
    const existing = await this.groups.lockForUpdate(workspaceId, request.groupId, manager);
    if (existing) {
      const added = columns.filter((c) => !existing.fields.includes(c));
      if (added.length > 0) await this.groups.setFields(existing.pk, [...existing.fields, ...added], manager);
    } else {
      await this.groups.insert(
        workspaceId,
        { id: request.groupId, name: request.groupName!, description: request.groupDescription ?? null, fields: columns },
        manager,
      );
    }
    if (request.audienceId !== undefined) {
      await this.audiences.ensure(workspaceId, { id: request.audienceId, name: request.audienceId }, manager);
    }
    return { groupId: request.groupId, audienceId: request.audienceId, defaultCountry: request.defaultCountry };
  }

  private async targetKeys(data: ImportData): Promise<{ audiencePk?: string; groupPk?: string }> {
    const audienceId = data.target.audienceId;
    const audiencePk =
      audienceId === undefined || audienceId === ALL_AUDIENCE_ID
        ? undefined
        : await this.audiences.pkOf(data.workspaceId, audienceId);
    if (audienceId !== undefined && audienceId !== ALL_AUDIENCE_ID && audiencePk === undefined) {
      throw new Error(`audience "${audienceId}" no longer exists`);
    }
    if (data.kind === 'variable_group_values') {
      const groupPk = await this.groups.pkOf(data.workspaceId, data.target.groupId!);
      if (groupPk === undefined) throw new Error(`variable group "${data.target.groupId}" no longer exists`);
      return { audiencePk, groupPk };
    }
    return { audiencePk };
  }

  private view(d: ImportData): ImportView {
    return {
      id: d.id,
      kind: d.kind,
      target: d.target,
      status: d.status === 'receiving' ? 'queued' : d.status,
      rowsRead: d.rowsRead,
      imported: d.imported,
      updated: d.updated,
      invalid: d.invalid,
      duplicates: d.duplicates,
      errors: d.errors,
      failure: d.failure,
      createdAt: d.createdAt,
      startedAt: d.startedAt,
      completedAt: d.completedAt,
    };
  }
}

/**
 * Why a row's text cannot be taken as it is, if it cannot: bytes that are not UTF-8 (read as U+FFFD, the file was
 * saved in another encoding: taken, they would change the contact's data without a word), or a NUL character, which
 * Postgres cannot store.
 */
function unreadableText(record: readonly string[]): string | undefined {
  for (const value of record) {
    if (value.includes('\uFFFD')) return "holds bytes that are not text in the file's encoding (save it as UTF-8, or give the encoding it was saved in, e.g. encoding=windows-1252)";
    if (value.includes('\u0000')) return 'holds a NUL character';
  }
  return undefined;
}
