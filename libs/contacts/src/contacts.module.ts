import { Module } from '@nestjs/common';
import { Clock } from '@herald/common';
import { AudienceRepository } from './audience.repository';
import { AudiencesService } from './audiences.service';
import { ContactIdentitiesRepository } from './contact-identities.repository';
import { ContactRepository } from './contact.repository';
import { ContactsService } from './contacts.service';
import { ImportRepository } from './import.repository';
import { ImportsService } from './imports.service';
import { VariableGroupRepository } from './variable-group.repository';
import { VariableGroupsService } from './variable-groups.service';

@Module({
  providers: [ContactRepository, ContactIdentitiesRepository, AudienceRepository, VariableGroupRepository, ContactsService, AudiencesService, VariableGroupsService, ImportRepository, ImportsService, Clock],
  exports: [ContactsService, AudiencesService, VariableGroupsService, ImportsService],
})
export class ContactsModule {}
