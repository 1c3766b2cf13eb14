// Files users "sent" through POST /_sim/inbound, served like Meta serves inbound media: GET /{media-id} answers
// {messaging_product, url, mime_type, sha256, file_size, id}, and the url (signed, valid 5 minutes, like Meta's
// lookaside URLs) answers the bytes to a request carrying the number's access token.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface StoredMedia {
  id: string;
  /** The business number the file was sent to: its token (or another of its WABA's numbers') may download it. */
  phoneNumberId: string;
  wabaId: string;
  mimeType: string;
  /** Base64 SHA-256 of the bytes, as Meta's webhooks give it. */
  sha256: string;
  bytes: Buffer;
}

/** How long a download URL works: Meta's media URLs expire after 5 minutes. */
export const MEDIA_URL_TTL_MS = 5 * 60_000;
/** The path of download URLs (Meta's are `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=…`). */
export const MEDIA_DOWNLOAD_PATH = '/whatsapp_business/attachments/';
/** Files kept at most, and bytes at most: oldest forgotten first, so a load test cannot grow them forever. */
const MAX_FILES = 1_000;
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

export class MediaStore {
  private readonly files = new Map<string, StoredMedia>();
  private totalBytes = 0;
  private readonly key = randomBytes(32);
  private counter = 0;

  /** Keeps a file and returns it with its new media id (digits, like Meta's). */
  put(phoneNumberId: string, wabaId: string, mimeType: string, bytes: Buffer): StoredMedia {
    this.counter += 1;
    // 16 digits, like Meta's media ids: a random part and a counter, so two files never share one.
    const id = `1${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}${String(this.counter % 10_000_000).padStart(7, '0')}`;
    const media: StoredMedia = {
      id,
      phoneNumberId,
      wabaId,
      mimeType,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      bytes,
    };
    this.files.set(id, media);
    this.totalBytes += bytes.length;
    for (const [oldId, old] of this.files) {
      if (this.files.size <= MAX_FILES && this.totalBytes <= MAX_TOTAL_BYTES) break;
      if (oldId === id) break;
      this.files.delete(oldId);
      this.totalBytes -= old.bytes.length;
    }
    return media;
  }

  get(id: string): StoredMedia | undefined {
    return this.files.get(id);
  }

  /** Forgets a file (as Meta does after 7 days): lookups and downloads of it then fail. */
  delete(id: string): boolean {
    const media = this.files.get(id);
    if (!media) return false;
    this.files.delete(id);
    this.totalBytes -= media.bytes.length;
    return true;
  }

  clear(): void {
    this.files.clear();
    this.totalBytes = 0;
  }

  get count(): number {
    return this.files.size;
  }

  /** The download URL of a file at `origin`, valid until `now + MEDIA_URL_TTL_MS`. */
  urlFor(id: string, origin: string, now: number): string {
    const ext = String(Math.floor((now + MEDIA_URL_TTL_MS) / 1000));
    return `${origin}${MEDIA_DOWNLOAD_PATH}?mid=${id}&ext=${ext}&hash=${this.sign(id, ext)}`;
  }

  /** The file a download URL's query names, or why not: a bad signature, an expired URL, a forgotten file. */
  resolve(query: URLSearchParams, now: number): { ok: true; media: StoredMedia } | { ok: false; reason: 'invalid' | 'expired' | 'gone' } {
    const id = query.get('mid') ?? '';
    const ext = query.get('ext') ?? '';
    const hash = Buffer.from(query.get('hash') ?? '');
    const expected = Buffer.from(this.sign(id, ext));
    if (!/^\d{1,12}$/.test(ext) || hash.length !== expected.length || !timingSafeEqual(hash, expected)) return { ok: false, reason: 'invalid' };
    if (Number(ext) * 1000 < now) return { ok: false, reason: 'expired' };
    const media = this.files.get(id);
    return media ? { ok: true, media } : { ok: false, reason: 'gone' };
  }

  private sign(id: string, ext: string): string {
    return createHmac('sha256', this.key).update(`${id}:${ext}`).digest('base64url');
  }
}
