import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiConfig } from '@herald/config';
import { ImportsService, type ImportRequest } from '@herald/contacts';
import { JobName, JobQueue } from '@herald/queues';
import { openUpload } from './upload.util';

/**
 * Receives a CSV upload (multipart `file` or a raw text/csv body) the one way Herald does, for its own import routes
 * and for a vendor's (Chat Inc's "from file" routes): stored as it streams in, then a job for the workers.
 */
@Injectable()
export class ImportUploads {
  private readonly logger = new Logger(ImportUploads.name);

  constructor(
    private readonly imports: ImportsService,
    private readonly jobs: JobQueue,
    private readonly config: ApiConfig,
  ) {}

  /** Stores the upload and enqueues it; returns the import's id (poll GET /v1/imports/:id). */
  async receive(
    workspaceId: string,
    kind: ImportRequest['kind'],
    req: Request,
    res: Response,
    query: Record<string, string | undefined>,
    build: (fields: Record<string, string>) => ImportRequest,
  ): Promise<string> {
    try {
      const upload = await openUpload(req, query, this.config.importMaxBytes);
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) {
        // Everything is known before the body: refuse a bad target before reading it.
        await this.imports.checkRequest(workspaceId, build(await upload.fields()));
      }
      const importId = await this.imports.stage(workspaceId, kind, upload.file, async () => build(await upload.fields()), this.config.importMaxBytes, upload.encoding);
      await this.jobs.add(JobName.ProcessImport, { importId }, { jobId: importId }).catch((error: unknown) => {
        // Stored in Postgres already: the workers' recovery sweep will enqueue it once Redis is back.
        this.logger.warn(`import ${importId} stored but not enqueued: ${String(error)}`);
      });
      return importId;
    } catch (error) {
      // The rest of the upload is not wanted: close the connection rather than read it.
      res.setHeader('Connection', 'close');
      throw error;
    }
  }
}
