import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { RECIPIENT_EXPORT_COLUMNS, type RecipientExportRow } from '@herald/campaigns';

function exportRow(r: RecipientExportRow) {
  return {
    number: r.number,
    name: r.name,
    status: r.status,
    errorCode: r.errorCode ?? r.skipReason,
    errorTitle: r.errorTitle,
    errorDetails: r.errorDetails,
    sentAt: r.sentAt,
    deliveredAt: r.deliveredAt,
    readAt: r.readAt,
    clickedAt: r.clickedAt ?? null,
    action: r.action,
    runId: r.runId,
  };
}

/**
 * Waits until `stream` takes more, or the client has gone (a console table reads the first rows of the JSON array and
 * cancels the rest): without the second, a request whose client left would wait for a 'drain' that never comes.
 */
function roomIn(stream: NodeJS.WritableStream, res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      res.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Writes a run's (or campaign's) recipients as they come from Postgres, a page at a time, as CSV or a JSON array:
 * the campaigns' and the blasts' recipients exports.
 */
export async function streamRecipients(
  res: Response,
  pages: AsyncIterable<RecipientExportRow[]>,
  format: 'json' | 'csv',
  fileName: string,
): Promise<void> {
  if (format === 'csv') {
    res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    const csv = stringify({
      header: true,
      columns: [...RECIPIENT_EXPORT_COLUMNS, 'runId'],
      cast: { date: (d) => d.toISOString() },
    });
    csv.pipe(res);
    pages: for await (const page of pages) {
      for (const row of page) {
        if (!csv.write(exportRow(row))) await roomIn(csv, res);
        if (res.destroyed) break pages;
      }
    }
    csv.end();
    return;
  }
  res.status(200).type('application/json; charset=utf-8');
  res.write('[');
  let first = true;
  for await (const page of pages) {
    const text = page.map((r) => JSON.stringify(exportRow(r))).join(',');
    if (!res.write(`${first ? '' : ','}${text}`)) await roomIn(res, res);
    first = false;
    // The client has gone: read no further page (leaving the loop closes the pages' reader).
    if (res.destroyed) break;
  }
  res.end(']');
}
