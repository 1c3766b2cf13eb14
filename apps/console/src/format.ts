const numbers = new Intl.NumberFormat('en');

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : numbers.format(n);
}

export function percent(ratio: number): string {
  return `${Math.round(Math.max(0, Math.min(1, ratio)) * 100)} %`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** "in 2 min 5 s" from an ISO time (an ETA), or "now" once passed. */
export function fromNow(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  if (s <= 0) return 'now';
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h > 0) return `in ${h} h ${m % 60} min`;
  if (m > 0) return `in ${m} min ${s % 60} s`;
  return `in ${s} s`;
}

/** Why a run or message is not sending, in words. */
const WAITING: Record<string, string> = {
  sending_window: 'Outside the campaign’s sending window',
  quiet_hours: 'Quiet hours in the recipients’ time zones',
  messaging_tier: 'The channel’s messaging tier is used up for now',
  rate_limit: 'Sending at the channel’s rate limit',
  template_pending: 'The template is waiting for Meta’s approval',
  template_paused: 'Meta paused the template',
  channel_paused: 'The channel is paused',
  backoff: 'Retrying after a provider error',
  unconfirmed: 'Sends without an answer are waiting for the provider’s status',
};

export function waitingText(reason: string): string {
  return WAITING[reason] ?? reason.replace(/_/g, ' ');
}
