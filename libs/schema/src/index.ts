import { CALLBACK_ENTITIES } from '@herald/callbacks';
import { CAMPAIGN_ENTITIES } from '@herald/campaigns';
import { CHANNEL_ENTITIES } from '@herald/channels';
import { CONTACT_ENTITIES } from '@herald/contacts';
import { LINK_ENTITIES } from '@herald/links';
import { MESSAGING_ENTITIES } from '@herald/messaging';
import { PROVIDER_EVENT_ENTITIES } from '@herald/provider-events';
import { SENDING_ENTITIES } from '@herald/sending';
import { TEMPLATE_ENTITIES } from '@herald/templates';
import { WORKSPACE_ENTITIES } from '@herald/workspaces';

/**
 * Every entity Herald has, gathered from the capability libraries. Apps, the migration tooling and the
 * schema-drift test all use this one list.
 */
export const ENTITIES = [
  ...WORKSPACE_ENTITIES,
  ...CONTACT_ENTITIES,
  ...CHANNEL_ENTITIES,
  ...SENDING_ENTITIES,
  ...MESSAGING_ENTITIES,
  ...PROVIDER_EVENT_ENTITIES,
  ...CAMPAIGN_ENTITIES,
  ...LINK_ENTITIES,
  ...TEMPLATE_ENTITIES,
  ...CALLBACK_ENTITIES,
];
