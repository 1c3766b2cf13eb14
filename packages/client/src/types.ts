import type { Client } from 'openapi-fetch';
import type { components, paths } from './schema';

/**
 * Names for the API's bodies and answers, all taken from the generated schema (never copied by hand): a change to a
 * DTO shows up here at the next `npm run client:generate`.
 */
type Schemas = components['schemas'];
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * The raw typed client. Answers are typed as their JSON bodies: a route that also answers CSV (a run's recipients with
 * ?format=csv) gives its text through `parseAs: 'text'` or `'stream'`, which type the answer themselves.
 */
export type HeraldApi = Client<paths, 'application/json'>;

/** The JSON body of a route. */
export type RequestBody<P extends keyof paths, M extends Method> = Json<NonNullable<paths[P][M]> extends { requestBody?: infer B } ? NonNullable<B> : never>;
/** The query parameters of a route. */
export type Query<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Contact = Schemas['ContactDto'];
export type UpsertContact = RequestBody<'/v1/contacts', 'post'>;
export type PatchContact = RequestBody<'/v1/contacts/{number}', 'patch'>;
export type SearchContacts = RequestBody<'/v1/contacts/search', 'post'>;
export type OptOut = RequestBody<'/v1/contacts/{number}/opt-out', 'post'>;

export type Audience = Schemas['AudienceDto'];
export type CreateAudience = RequestBody<'/v1/audiences', 'post'>;
export type AddContacts = RequestBody<'/v1/audiences/{id}/contacts', 'post'>;

export type ImportAccepted = Schemas['ImportAcceptedDto'];
export type Import = Schemas['ImportDto'];
export type ImportOptions = Query<'/v1/audiences/{id}/contacts/import', 'post'>;

export type Campaign = Schemas['CampaignDto'];
export type CreateCampaign = RequestBody<'/v1/campaigns', 'post'>;
export type CampaignCreated = Schemas['CampaignCreatedDto'];
export type CreateRun = RequestBody<'/v1/campaigns/{id}/runs', 'post'>;
export type RunCreated = Schemas['RunCreatedDto'];
export type Run = Schemas['RunDto'];
export type Results = Schemas['ResultsDto'];
export type CampaignRecipient = Schemas['RecipientDto'];
export type RecipientsQuery = Omit<Query<'/v1/campaigns/{id}/recipients', 'get'>, 'format'>;

export type CreateBlast = RequestBody<'/v1/blasts', 'post'>;
export type BlastRecipientsQuery = Omit<Query<'/v1/blasts/{id}/recipients', 'get'>, 'format'>;

/** A POST /v1/messages body: the envelope and one content, narrowed by `type`. */
export type SendMessage = RequestBody<'/v1/messages', 'post'>;
export type MessageAccepted = Schemas['MessageAcceptedDto'];
export type MessagesAccepted = Schemas['MessagesAcceptedDto'];
export type Message = Schemas['MessageDto'];
export type MessagesQuery = Query<'/v1/messages', 'get'>;

export type Channel = Schemas['ChannelDto'];
export type CreateChannel = RequestBody<'/v1/channels', 'post'>;
