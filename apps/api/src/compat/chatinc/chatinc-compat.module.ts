import { Module } from '@nestjs/common';
import { CampaignsModule } from '@herald/campaigns';
import { ChannelsModule } from '@herald/channels';
import { ContactsModule } from '@herald/contacts';
import { ImportUploads } from '../../imports/import-uploads.service';
import { ChatIncController } from './chatinc.controller';

/** ChatInc's API on Herald, under `<herald>/compat/chatinc`: campaigns, runs, results, variable groups, audiences. */
@Module({ imports: [CampaignsModule, ContactsModule, ChannelsModule], controllers: [ChatIncController], providers: [ImportUploads] })
export class ChatIncCompatModule {}
