import { Module } from '@nestjs/common';

/** EngageLab's API on Herald, under `<herald>/compat/engagelab`. */
@Module({ imports: [], controllers: [], providers: [] })
export class EngageLabCompatModule {}
