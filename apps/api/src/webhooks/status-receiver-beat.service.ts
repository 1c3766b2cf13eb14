import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { StatusReceivers, STATUS_RECEIVER_BEAT_SECONDS } from '@herald/sending';

/** Prune old heartbeats about once an hour. */
const PRUNE_EVERY_BEATS = Math.round(3_600 / STATUS_RECEIVER_BEAT_SECONDS);

/**
 * This API process receives the providers' status webhooks: it says so from the moment it listens until it stops
 * (see StatusReceivers). A missed beat (Postgres away) only shortens the time it is counted as up, which keeps a
 * send in doubt from being sent again on a guess.
 */
@Injectable()
export class StatusReceiverBeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StatusReceiverBeat.name);
  private readonly id = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private beats = 0;

  constructor(private readonly receivers: StatusReceivers) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), STATUS_RECEIVER_BEAT_SECONDS * 1_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    try {
      await this.receivers.beat(this.id);
      if (this.beats++ % PRUNE_EVERY_BEATS === 0) await this.receivers.prune();
    } catch (error) {
      this.logger.warn(`Could not record that this process receives status webhooks: ${(error as Error).message}`);
    }
  }
}
