import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { SingleBar, Presets } from 'cli-progress';
import { asUtf8, fileEncoding, ImportsService, type ImportRequest } from '@herald/contacts';
import { WorkspacesService } from '@herald/workspaces';

export interface ImportArgs {
  readonly file: string;
  readonly workspaceId: string;
  readonly request: ImportRequest;
  /** The file's encoding when it is not UTF-8 and has no byte order mark (a WHATWG name, `csvEncoding`). */
  readonly encoding?: string;
}

/**
 * The file's size as it will be stored (UTF-8): the progress bar's scale. A UTF-8 file's is its size on disk; one in
 * another encoding is decoded once to count (cheap beside the import).
 */
async function storedSize(file: string, declared: string | undefined): Promise<number> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(3), 0, 3, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (fileEncoding(head, declared) === 'utf-8') return (await stat(file)).size;
  let size = 0;
  for await (const piece of asUtf8(createReadStream(file, { highWaterMark: 1024 * 1024 }), declared)) size += piece.length;
  return size;
}

function formatRate(rows: number, ms: number): string {
  return `${Math.round(rows / Math.max(ms / 1000, 0.001)).toLocaleString('en')} rows/s`;
}

/**
 * `import contacts|variables FILE …`: stores the file as an import (like the HTTP API does) and applies it
 * in this process, with a progress bar (rows/s, ETA by bytes read) and the summary at the end.
 */
export async function runImport(app: INestApplicationContext, args: ImportArgs): Promise<boolean> {
  const imports = app.get(ImportsService);
  await app.get(WorkspacesService).assertExists(args.workspaceId);
  await imports.checkRequest(args.workspaceId, args.request);
  const size = await storedSize(args.file, args.encoding);
  const started = Date.now();
  const importId = await imports.stage(
    args.workspaceId,
    args.request.kind,
    createReadStream(args.file, { highWaterMark: 1024 * 1024 }),
    () => args.request,
    Number.MAX_SAFE_INTEGER,
    args.encoding,
  );
  const bar = new SingleBar(
    {
      format: ' {bar} {percentage}% | {rows} rows | {rate} | ETA {eta_formatted} | {phase}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 2_000,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  bar.start(size, 0, { rows: 0, rate: '-', phase: 'parsing' });
  const applying = Date.now();
  const outcome = await imports.process(importId, {
    onProgress: (p) => {
      bar.update(p.phase === 'parsing' ? p.bytesRead : size, {
        rows: p.rowsRead.toLocaleString('en'),
        rate: formatRate(p.rowsRead, Date.now() - applying),
        phase: p.phase,
      });
    },
  });
  bar.stop();
  const result = await imports.get(args.workspaceId, importId);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `Import ${importId} ${result.status} in ${seconds} s (${formatRate(result.rowsRead, Date.now() - started)}): ` +
      `${result.rowsRead} rows read, ${result.imported} imported, ${result.updated} updated, ` +
      `${result.invalid} invalid, ${result.duplicates} duplicates.`,
  );
  for (const e of result.errors.slice(0, 10)) console.log(`  row ${e.row}${e.number ? ` (${e.number})` : ''}: ${e.reason}`);
  if (result.invalid > 10) console.log(`  … and ${result.invalid - 10} more; GET /v1/imports/${importId} lists the first 1,000.`);
  return outcome.status === 'completed';
}
