import type { InboundContactCard, InboundMessage as ProviderInbound } from '@herald/channels';

/** `inbound_messages.media`: the file an image, video, audio, document or sticker message carried. */
export interface InboundMediaValue {
  /** The provider's media id (Meta keeps webhook media for 7 days). */
  readonly id: string;
  readonly mimeType: string | null;
  /** The file's SHA-256 as the provider gave it (Meta: base64). */
  readonly sha256: string | null;
  readonly caption: string | null;
  readonly filename: string | null;
  readonly animated?: boolean;
  readonly voice?: boolean;
}

/** `inbound_messages.location`. */
export interface InboundLocationValue {
  readonly latitude: number;
  readonly longitude: number;
  readonly name: string | null;
  readonly address: string | null;
  readonly url: string | null;
}

/** `inbound_messages.reaction`: the provider's id of the message reacted to; `emoji` null when the reaction was removed. */
export interface InboundReactionValue {
  readonly messageId: string;
  readonly emoji: string | null;
}

/** `inbound_messages.content`: what else a message carried, by type (null when nothing). */
export interface InboundContent {
  readonly contacts?: readonly InboundContactCard[];
  readonly interactive?: { readonly type: string; readonly id: string; readonly title: string; readonly description?: string };
  readonly button?: { readonly payload: string; readonly text: string };
  /** The provider's errors on the message (e.g. Meta's `unsupported` type). */
  readonly errors?: ReadonlyArray<{ readonly code: string; readonly title: string; readonly details: string }>;
}

/** A stored inbound message exactly as `SELECT *` / `RETURNING *` gives it (what `InboundRepository.insert` returns). */
export interface InboundMessageRow {
  id: string;
  workspace_id: string;
  channel_id: string;
  provider_message_id: string;
  /** E.164 with '+'. */
  from_number: string;
  contact_id: string | null;
  type: string;
  text: string | null;
  payload: string | null;
  profile_name: string | null;
  media: InboundMediaValue | null;
  location: InboundLocationValue | null;
  reaction: InboundReactionValue | null;
  content: InboundContent | null;
  /** The provider's id of the message this one answers (its context), or of the message reacted to. */
  context_provider_message_id: string | null;
  /** Herald's single message it answers, when it answers one (campaign sends are resolved by the caller). */
  reply_to_message_id: string | null;
  received_at: Date;
  created_at: Date;
}

/** The message an inbound message answers (quoted, a button of it tapped, or reacted to). */
export interface InboundReplyTo {
  /**
   * Herald's id of it: a single message's id, or a campaign send's `r:<n>` when the caller could resolve it; null
   * when it is not one of Herald's sends (or not resolved).
   */
  readonly messageId: string | null;
  /** The provider's id of it (`wamid…`). */
  readonly providerMessageId: string;
  /** For a campaign send. */
  readonly campaignId?: string;
  readonly runId?: string;
}

/** An inbound message as the API shows it and as the `message.inbound` callback carries it (`data`). */
export interface InboundView {
  readonly id: string;
  readonly channelId: string;
  readonly contactId: string | null;
  /** The sender, E.164. */
  readonly from: string;
  readonly profileName: string | null;
  /** The provider's message type: text, image, video, audio, document, sticker, location, contacts, reaction, button, interactive, … */
  readonly type: string;
  /** The text, a button's text, an interactive reply's title or a media caption. */
  readonly text: string | null;
  /** A quick-reply button's payload or an interactive reply's id. */
  readonly payload: string | null;
  readonly media: (InboundMediaValue & { readonly downloadUrl: string | null }) | null;
  readonly location: InboundLocationValue | null;
  readonly contacts: readonly InboundContactCard[] | null;
  readonly reaction: InboundReactionValue | null;
  readonly interactive: InboundContent['interactive'] | null;
  readonly button: InboundContent['button'] | null;
  readonly errors: InboundContent['errors'] | null;
  readonly replyTo: InboundReplyTo | null;
  readonly providerMessageId: string;
  readonly receivedAt: Date;
  readonly createdAt: Date;
}

export interface InboundViewOptions {
  /**
   * The short-lived download URL of a media message (see `InboundMediaLinks.urlFor`); without it `downloadUrl` is
   * null (GET /v1/inbound-messages/:id gives a fresh one).
   */
  readonly mediaUrl?: (row: InboundMessageRow) => string | null;
}

/** The view of a stored inbound message; pure, so the API and the callback producer build the same. */
export function toInboundView(row: InboundMessageRow, options: InboundViewOptions = {}): InboundView {
  const content = row.content ?? {};
  return {
    id: row.id,
    channelId: row.channel_id,
    contactId: row.contact_id,
    from: row.from_number,
    profileName: row.profile_name,
    type: row.type,
    text: row.text,
    payload: row.payload,
    media: row.media === null ? null : { ...row.media, downloadUrl: options.mediaUrl?.(row) ?? null },
    location: row.location,
    contacts: content.contacts ?? null,
    reaction: row.reaction,
    interactive: content.interactive ?? null,
    button: content.button ?? null,
    errors: content.errors ?? null,
    replyTo:
      row.context_provider_message_id === null
        ? null
        : { messageId: row.reply_to_message_id, providerMessageId: row.context_provider_message_id },
    providerMessageId: row.provider_message_id,
    receivedAt: row.received_at,
    createdAt: row.created_at,
  };
}

/** The columns a provider's inbound message fills beyond the fan-in's own (type, text, payload, context). */
export function inboundColumns(m: ProviderInbound): {
  media: InboundMediaValue | null;
  location: InboundLocationValue | null;
  reaction: InboundReactionValue | null;
  content: InboundContent | null;
  profileName: string | null;
  /** The message it answers: its context, or the message a reaction is about. */
  context: string | null;
} {
  const media: InboundMediaValue | null =
    m.media === undefined
      ? null
      : {
          id: m.media.id,
          mimeType: m.media.mimeType ?? null,
          sha256: m.media.sha256 ?? null,
          caption: m.media.caption ?? null,
          filename: m.media.filename ?? null,
          ...(m.media.animated === undefined ? {} : { animated: m.media.animated }),
          ...(m.media.voice === undefined ? {} : { voice: m.media.voice }),
        };
  const location: InboundLocationValue | null =
    m.location === undefined
      ? null
      : {
          latitude: m.location.latitude,
          longitude: m.location.longitude,
          name: m.location.name ?? null,
          address: m.location.address ?? null,
          url: m.location.url ?? null,
        };
  const reaction: InboundReactionValue | null = m.reaction === undefined ? null : { messageId: m.reaction.messageId, emoji: m.reaction.emoji ?? null };
  const rest: { -readonly [K in keyof InboundContent]: InboundContent[K] } = {};
  if (m.contacts !== undefined) rest.contacts = m.contacts;
  if (m.interactive !== undefined) rest.interactive = m.interactive;
  if (m.button !== undefined) rest.button = m.button;
  if (m.errors !== undefined) rest.errors = m.errors.map((e) => ({ code: e.code, title: e.title, details: e.details }));
  return {
    media,
    location,
    reaction,
    content: Object.keys(rest).length === 0 ? null : rest,
    profileName: m.profileName?.slice(0, 256) ?? null,
    context: m.contextMessageId ?? m.reaction?.messageId ?? null,
  };
}

/**
 * Views whose \`replyTo\` quotes a campaign send, completed with it (\`sends\`: by provider message id, as the campaigns
 * library answers). Messaging links replies to its own single messages when it stores them; a campaign send is the
 * campaigns library's, so whoever shows the view (the API, the \`message.inbound\` callback) asks it and completes here.
 */
export function withCampaignReplies(
  views: readonly InboundView[],
  sends: ReadonlyMap<string, { id: string; campaignId: string; runId: string }>,
): InboundView[] {
  return views.map((v) => {
    const send = v.replyTo !== null && v.replyTo.messageId === null ? sends.get(v.replyTo.providerMessageId) : undefined;
    return send === undefined ? v : { ...v, replyTo: { messageId: send.id, providerMessageId: v.replyTo!.providerMessageId, campaignId: send.campaignId, runId: send.runId } };
  });
}

/** The provider ids of campaign sends these views quote that are not yet resolved. */
export function unresolvedReplies(views: readonly InboundView[]): string[] {
  return views.filter((v) => v.replyTo !== null && v.replyTo.messageId === null).map((v) => v.replyTo!.providerMessageId);
}
