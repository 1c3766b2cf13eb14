import { Module } from '@nestjs/common';

/** Inbound messages, conversations and a contact's channel details. */
@Module({})
export class InboundApiModule {}
