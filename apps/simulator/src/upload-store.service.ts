// Meta's Resumable Upload API as the simulator keeps it: upload sessions (POST /{appId}/uploads) and the file handles
// they end in (POST /upload:<id>), which template creation takes in a media header's example.header_handle.
import { randomBytes } from 'node:crypto';

export interface UploadSession {
  /** `upload:<id>`: the path of the upload step. */
  id: string;
  /** The signature Graph appends to the id it hands out (`upload:<id>?sig=<sig>`), checked on every step. */
  sig: string;
  appId: string;
  fileName: string;
  fileLength: number;
  fileType: string;
  /** Bytes received so far: where the next POST must start (its `file_offset`). */
  offset: number;
  /** Set once every byte arrived. */
  handle?: string;
}

/** A finished upload: what template creation checks a `header_handle` against. */
export interface UploadedFile {
  handle: string;
  appId: string;
  fileName: string;
  fileLength: number;
  fileType: string;
}

/** Sessions and handles kept at most each (oldest forgotten first): a load test must not grow them forever. */
const MAX_KEPT = 10_000;

export class UploadStore {
  private readonly sessions = new Map<string, UploadSession>();
  private readonly handles = new Map<string, UploadedFile>();

  open(appId: string, fileName: string, fileLength: number, fileType: string): UploadSession {
    const session: UploadSession = {
      id: `upload:${Buffer.from(`${appId}:${randomBytes(12).toString('hex')}`).toString('base64url')}`,
      sig: `AR${randomBytes(12).toString('base64url')}`,
      appId,
      fileName,
      fileLength,
      fileType,
      offset: 0,
    };
    remember(this.sessions, session.id, session);
    return session;
  }

  session(id: string): UploadSession | undefined {
    return this.sessions.get(id);
  }

  /**
   * Takes `length` more bytes at the session's offset; when the file is complete, issues its handle (Meta's look:
   * `4::<base64 of the type>:<opaque>`). The caller has checked the offset and the length.
   */
  append(session: UploadSession, length: number): UploadSession {
    session.offset += length;
    if (session.offset === session.fileLength && session.handle === undefined) {
      session.handle = `4::${Buffer.from(session.fileType).toString('base64')}:${randomBytes(24).toString('base64url')}`;
      remember(this.handles, session.handle, {
        handle: session.handle,
        appId: session.appId,
        fileName: session.fileName,
        fileLength: session.fileLength,
        fileType: session.fileType,
      });
    }
    return session;
  }

  file(handle: string): UploadedFile | undefined {
    return this.handles.get(handle);
  }

  clear(): void {
    this.sessions.clear();
    this.handles.clear();
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_KEPT) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
