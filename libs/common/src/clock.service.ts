import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

/** The time, injected so tests can set it instead of sleeping. */
@Injectable()
export class Clock {
  now(): DateTime {
    return DateTime.utc();
  }
}
