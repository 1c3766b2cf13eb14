import { Injectable } from '@nestjs/common';
import { Clock } from '@herald/common';
import { CoreConfig, SecretsConfig } from '@herald/config';
import type { InboundMessageRow } from './inbound-view.util';
import { checkMediaToken, MEDIA_TOKEN_TTL_MS, mediaTokenKey, signMediaToken } from './media-token.util';

/**
 * The short-lived download URLs of inbound media: `<PUBLIC_URL>/v1/inbound-messages/<id>/media?token=<exp>.<hmac>`,
 * signed with a key derived from SECRETS_KEY and valid for 5 minutes. The URL is the credential (no API key needed),
 * so it can be handed to a browser or an agent; once expired, `GET /v1/inbound-messages/:id` gives a fresh one.
 * Any process with the configuration (API, worker) can sign them; only the API serves them.
 */
@Injectable()
export class InboundMediaLinks {
  private readonly key: Buffer;

  constructor(
    private readonly core: CoreConfig,
    secrets: SecretsConfig,
    private readonly clock: Clock,
  ) {
    this.key = mediaTokenKey(secrets.secretsKey);
  }

  /** The download URL of a media message, valid `ttlMs` from now; null for a message without media. */
  urlFor(row: Pick<InboundMessageRow, 'id' | 'media'>, ttlMs = MEDIA_TOKEN_TTL_MS): string | null {
    if (row.media === null) return null;
    const token = signMediaToken(this.key, row.id, new Date(this.clock.now().toMillis() + ttlMs));
    return `${this.core.publicUrl}/v1/inbound-messages/${row.id}/media?token=${token}`;
  }

  check(inboundId: string, token: string): 'valid' | 'expired' | 'invalid' {
    return checkMediaToken(this.key, inboundId, token, this.clock.now().toJSDate());
  }
}
