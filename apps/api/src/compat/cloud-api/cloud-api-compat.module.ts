import { Module } from '@nestjs/common';

/** CloudApi's API on Herald, under `<herald>/compat/cloud-api`. */
@Module({ imports: [], controllers: [], providers: [] })
export class CloudApiCompatModule {}
