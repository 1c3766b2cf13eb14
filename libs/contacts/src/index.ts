export * from './contact.entity';
export * from './audience.entity';
export * from './audience-member.entity';
export * from './variable-group.entity';
export * from './variable-value.entity';
export * from './import.entity';
export * from './contact.types';
export * from './audience.types';
export * from './variable-group.types';
export type { InvalidEntry } from './contact-entries.util';
export * from './contacts.service';
export * from './audiences.service';
export * from './variable-groups.service';
export * from './imports.service';
export * from './import.types';
export { NUMBER_COLUMNS } from './csv-header.util';
export * from './contacts.module';

import { Audience } from './audience.entity';
import { AudienceMember } from './audience-member.entity';
import { Contact } from './contact.entity';
import { VariableGroup } from './variable-group.entity';
import { VariableValue } from './variable-value.entity';
import { Import } from './import.entity';
import { ImportChunk } from './import-chunk.entity';
import { ContactServiceWindow } from './contact-service-window.entity';
/** The tables this capability owns. */
export const CONTACT_ENTITIES = [Contact, Audience, AudienceMember, VariableGroup, VariableValue, Import, ImportChunk, ContactServiceWindow];
export { parseOptOutScope } from './contact-input.util';
