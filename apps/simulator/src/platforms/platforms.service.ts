// The platforms the simulator speaks beside WhatsApp: Messenger and Instagram (Meta's Send API on the Graph host)
// and Telegram's Bot API. One place for what the Simulator resets and counts of them.
import type { Simulator } from '../simulator.service';
import { PageApi } from './page-api.service';
import { TelegramApi } from './telegram-bot-api.service';

export class Platforms {
  readonly pages: PageApi;
  readonly telegram: TelegramApi;

  constructor(sim: Simulator) {
    this.pages = new PageApi(sim);
    this.telegram = new TelegramApi(sim);
  }

  /** Forgets what happened (users, chats, windows, blocks, sends, pending events); with `all`, the registrations too. */
  reset(all: boolean): void {
    this.pages.reset(all);
    this.telegram.reset(all);
  }

  /** Totals for GET /_sim/stats. */
  counts(): { pages: Record<string, number>; telegram: Record<string, number> } {
    return { pages: this.pages.counts(), telegram: this.telegram.counts() };
  }
}
