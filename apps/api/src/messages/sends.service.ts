import { Injectable } from '@nestjs/common';
import { CampaignsService, type SendsPosition } from '@herald/campaigns';
import { HeraldError, isUuid } from '@herald/common';
import { MessagesService } from '@herald/messaging';
import type { SendView } from '@herald/sending';

/** Where the previous page ended in each source of sends; `null`: that source has nothing more. */
interface SendsCursor {
  readonly messages: { createdAt: string; id: string } | null | undefined;
  readonly campaigns: SendsPosition | null | undefined;
}

/**
 * `GET /v1/messages`: every send of the workspace, single messages (messaging) and campaign recipients
 * (campaigns), newest first, one list. Each library pages its own table; this merges the two pages by time and
 * keeps, in the cursor, where each source stopped, so no send is skipped or shown twice across pages.
 */
@Injectable()
export class SendsListing {
  constructor(
    private readonly messages: MessagesService,
    private readonly campaigns: CampaignsService,
  ) {}

  async list(workspaceId: string, query: Record<string, unknown>): Promise<{ data: SendView[]; nextCursor: string | null }> {
    const { filter, limit, cursor } = this.messages.parseListQuery(query);
    const at = decodeSendsCursor(cursor);
    const [singles, campaign] = await Promise.all([
      at.messages === null ? [] : this.messages.page(workspaceId, filter, limit + 1, at.messages),
      at.campaigns === null ? [] : this.campaigns.sendsPage(workspaceId, filter, limit + 1, at.campaigns),
    ]);
    // Merge newest first; at the same time, campaign sends first (either order is stable across pages).
    const data: SendView[] = [];
    let i = 0;
    let j = 0;
    while (data.length < limit && (i < singles.length || j < campaign.length)) {
      const m = singles[i];
      const c = campaign[j];
      if (c !== undefined && (m === undefined || c.view.createdAt.getTime() >= m.createdAt.getTime())) {
        data.push(c.view);
        j++;
      } else {
        data.push(m!);
        i++;
      }
    }
    if (i === singles.length && j === campaign.length) return { data, nextCursor: null };
    // A source whose page was all taken and held no more than a page is done; else it goes on after its last one taken.
    const lastSingle = singles[i - 1];
    const next: SendsCursor = {
      messages:
        i === singles.length && singles.length <= limit ? null
        : lastSingle ? { createdAt: lastSingle.createdAt.toISOString(), id: lastSingle.id }
        : at.messages,
      campaigns: j === campaign.length && campaign.length <= limit ? null : j > 0 ? campaign[j - 1]!.position : at.campaigns,
    };
    return { data, nextCursor: encodeSendsCursor(next) };
  }

  /** One send by its id: a single message (uuid) or a campaign send (`r:<id>`). */
  async get(workspaceId: string, id: string): Promise<SendView> {
    if (!isUuid(id)) {
      const send = await this.campaigns.send(workspaceId, id);
      if (send) return send;
    }
    return this.messages.get(workspaceId, id);
  }
}

const CURSOR_VERSION = 's1';

function encodeSendsCursor(c: SendsCursor): string {
  const m = c.messages === null ? 0 : c.messages === undefined ? 1 : [c.messages.createdAt, c.messages.id];
  const r = c.campaigns === null ? 0 : c.campaigns === undefined ? 1 : [c.campaigns.runId, c.campaigns.chunkNo, c.campaigns.id];
  return Buffer.from(JSON.stringify([CURSOR_VERSION, m, r]), 'utf8').toString('base64url');
}

/** The positions a cursor names (undefined: from the start), or a 400 for one this API did not return. */
function decodeSendsCursor(cursor: string | undefined): SendsCursor {
  if (cursor === undefined) return { messages: undefined, campaigns: undefined };
  const bad = () =>
    new HeraldError('invalid', 'invalid_cursor', 'The cursor is not one this API returned; start again without it.', [
      { field: 'cursor', issue: 'is not a valid cursor' },
    ]);
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== CURSOR_VERSION) throw bad();
  const [, m, r] = parsed as [string, unknown, unknown];
  let messages: SendsCursor['messages'];
  if (m === 0) messages = null;
  else if (m === 1) messages = undefined;
  else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && !Number.isNaN(Date.parse(m[0])) && isUuid(m[1])) {
    messages = { createdAt: m[0], id: m[1] };
  } else throw bad();
  let campaigns: SendsCursor['campaigns'];
  if (r === 0) campaigns = null;
  else if (r === 1) campaigns = undefined;
  else if (Array.isArray(r) && r.length === 3 && isUuid(r[0]) && Number.isInteger(r[1]) && typeof r[2] === 'string' && /^[1-9][0-9]{0,17}$/.test(r[2])) {
    campaigns = { runId: r[0], chunkNo: r[1] as number, id: r[2] };
  } else throw bad();
  return { messages, campaigns };
}
