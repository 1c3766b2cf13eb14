import { Module } from '@nestjs/common';

/** ChatInc's API on Herald, under `<herald>/compat/chatinc`. */
@Module({ imports: [], controllers: [], providers: [] })
export class ChatIncCompatModule {}
