import type { TemplateButtonDefinition } from '@herald/channels';
import type { ButtonNeed, HeaderNeed, TemplateSendInput } from './template-requirements.util';

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategoryName = (typeof TEMPLATE_CATEGORIES)[number];

/** A template as the API shows it. */
export interface TemplateView {
  readonly id: string;
  /** The provider's id of the template. */
  readonly providerTemplateId: string;
  readonly wabaId: string;
  /** The workspace's channels (numbers) of that account: any of them can send it. */
  readonly channelIds: readonly string[];
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly status: string;
  readonly providerStatus: string;
  readonly qualityScore: string | null;
  readonly reason: string | null;
  readonly parameterFormat: 'positional' | 'named';
  readonly components: readonly unknown[];
  /** What a send of it must give. */
  readonly parameters: {
    readonly header: HeaderNeed;
    readonly body: { readonly count: number; readonly names?: readonly string[] };
    readonly buttons: readonly ButtonNeed[];
  };
  readonly syncedAt: string;
  readonly updatedAt: string;
}

export interface TemplatePage {
  readonly data: TemplateView[];
  readonly nextCursor: string | null;
}

export interface TemplateQuery {
  readonly channelId?: string;
  readonly status?: string;
  readonly category?: string;
  readonly name?: string;
  readonly language?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** A header given when creating a template: text (with an optional variable), or media fetched from a URL. */
export type TemplateHeaderInput =
  | { readonly format: 'text'; readonly text: string; readonly example?: string }
  | { readonly format: 'image' | 'video' | 'document'; readonly url: string };

export interface CreateTemplateInput {
  readonly channelId?: string;
  readonly name: string;
  readonly language: string;
  readonly category: TemplateCategoryName;
  readonly parameterFormat?: 'positional' | 'named';
  readonly header?: TemplateHeaderInput;
  readonly body: { readonly text: string; readonly examples?: readonly string[] };
  readonly footer?: { readonly text: string };
  readonly buttons?: readonly TemplateButtonDefinition[];
}

/** How one account's sync went. */
export interface SyncResult {
  readonly wabaId: string;
  readonly ok: boolean;
  readonly templates: number;
  readonly removed: number;
  readonly error?: string;
}

/** A template send to check before it is queued (Herald's template message content). */
export interface TemplateSendRef extends TemplateSendInput {
  readonly name: string;
  readonly language: string;
}
