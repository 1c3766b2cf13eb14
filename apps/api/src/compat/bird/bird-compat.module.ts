import { Module } from '@nestjs/common';

/** Bird's API on Herald, under `<herald>/compat/bird`. */
@Module({ imports: [], controllers: [], providers: [] })
export class BirdCompatModule {}
