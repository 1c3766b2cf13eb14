/**
 * The in-doubt rule's SQL, written once for every source of sends (docs/adr/0009-sends-in-doubt.md; the rule in
 * words: IN_DOUBT_NEIGHBOURHOOD_SECONDS). Each source's statement picks its sends in doubt and its neighbours from
 * its own table and puts these pieces together; the parameters come from StatusReceivers.receipts().
 */

/** SQL: the sending workers, from the receipts' parameters `ids` (uuid[]) and `goneAt` (timestamptz[], null: alive). */
export function workersSql(ids: string, goneAt: string): string {
  return `SELECT * FROM unnest(${ids}::uuid[], ${goneAt}::timestamptz[]) AS w(id, gone_at)`;
}

/**
 * SQL: when the request of send `s` (an alias with `claimed_by` and `updated_at`) was surely over; null: held. Its
 * worker gone after the claim: then. Its worker alive, or gone before the claim (it was fenced, nothing left): once
 * any request of the claim has timed out (`live`: liveClaimOverSeconds). Not claimed by a worker any more (it
 * recorded no answer): when that was recorded. A worker with no beat listed: held. `workers`: workersSql's relation.
 */
export function requestOverSql(s: string, workers: string, live: string): string {
  return `CASE WHEN ${s}.claimed_by IS NULL THEN ${s}.updated_at
               ELSE (SELECT CASE WHEN w.gone_at >= ${s}.updated_at THEN w.gone_at ELSE ${s}.updated_at + make_interval(secs => ${live}) END
                       FROM ${workers} w WHERE w.id = ${s}.claimed_by) END`;
}

/** SQL: the first time in `periods` (a tstzmultirange, null: none) at or after `over`; null when there is none. */
export function firstReceiptSql(periods: string, over: string): string {
  return `lower(${periods} * tstzmultirange(tstzrange(${over}, NULL)))`;
}

/**
 * SQL: the time Herald's API must have been up for a send in doubt, from `over` on, before it is sent again: the
 * in-doubt wait (`wait`, seconds), and — when webhooks came back only at `back` — as long again as they had been
 * away plus half the wait (`half`): its own status may be in a later round of the provider's retries, which back off.
 */
export function releaseSpanSql(over: string, back: string, wait: string, half: string): string {
  return `tstzrange(${over}, GREATEST(${over} + make_interval(secs => ${wait}), ${back} + (${back} - ${over}) + make_interval(secs => ${half})))`;
}

/**
 * SQL: when webhooks of the platform of channel `channel` were received (a `tstzmultirange`; null when none, or the
 * channel's platform is unknown): the evidence for a lone send. `sendChannels`/`sendPlatforms`: the channels in doubt
 * and their platforms; `platforms`/`received`: per platform, its periods (StatusReceivers.receipts).
 */
export function platformReceivedSql(channel: string, sendChannels: string, sendPlatforms: string, platforms: string, received: string): string {
  return `(SELECT r.periods FROM unnest(${platforms}::text[], ${received}::tstzmultirange[]) AS r(platform, periods)
            WHERE r.platform = (SELECT t.platform FROM unnest(${sendChannels}::uuid[], ${sendPlatforms}::text[]) AS t(channel_id, platform)
                                 WHERE t.channel_id = ${channel}))`;
}
