import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { MAX_VALIDITY_SECONDS } from './send-policy.util';

/** How often a sending process says it is alive. */
export const SEND_WORKER_BEAT_MS = 1_000;
/**
 * A worker last seen at t is gone by t + this, for the in-doubt rule: it sends nothing unless a beat it began under
 * SEND_WORKER_FRESH_MS ago was recorded (`fresh`), so no request of it leaves after its last recorded beat + that.
 */
export const SEND_WORKER_GONE_SECONDS = 3;
/** A request leaves only while the last recorded beat was begun less than this ago; a second short of gone. */
export const SEND_WORKER_FRESH_MS = SEND_WORKER_GONE_SECONDS * 1_000 - 1_000;
/** A beat that takes longer is abandoned (and its connection dropped): a stuck beat must not look like a live one. */
const BEAT_TIMEOUT_MS = 1_000;
/** Nothing older matters: no send stays in doubt longer than the longest validity. */
const KEPT_SECONDS = MAX_VALIDITY_SECONDS + 86_400;
/** Prune old heartbeats about once an hour. */
const PRUNE_EVERY_BEATS = Math.round(3_600_000 / SEND_WORKER_BEAT_MS);

/** The sequence numbers of one claim, `base` up to `base + count`, made under the worker identity `by`. */
export interface ClaimSeqs {
  readonly by: string;
  readonly base: number;
  readonly count: number;
}

/** What a send must carry for `departing` and `mayLeave`: the identity and sequence number of its claim. */
export interface ClaimedAs {
  readonly claimedBy: string;
  readonly seq: number;
}

const RECORDED: Promise<boolean> = Promise.resolve(true);
const REFUSED: Promise<boolean> = Promise.resolve(false);

/**
 * This process claims sends: each claim names it (`claimed_by`), and it beats every SEND_WORKER_BEAT_MS into
 * `send_workers` on a connection of its own, outside the pool (a beat never waits behind the pool's queries nor the
 * departure writes, which have a connection of their own too, and a stuck one times out). When it dies with requests out, the in-doubt rule knows when they were surely over —
 * SEND_WORKER_GONE_SECONDS after its last beat — and weighs only the webhooks received after that
 * (StatusReceivers.receipts). It fences itself to keep that true: while its last recorded beat is older than
 * SEND_WORKER_FRESH_MS (Postgres slow or away, the first beat not yet in), the send pipeline hands its claims back
 * unsent (`fresh`).
 *
 * Departures (docs/adr/0009-sends-in-doubt.md, rule 5): each claimed send also gets a sequence number of this
 * process (`allocate`, `claim_seq`), and no request leaves before its number is recorded in `send_workers.departed`
 * (`departing`, a slice of slots at a time shortly before them: sendOnSlots). So when this process is gone, a send it claimed
 * whose number is not recorded there never left it: the reconciler buries the worker (`bury`: from then on it can
 * record nothing, and it takes a new identity if it was only slow) and puts those sends straight back in the queue,
 * instead of waiting for evidence that the provider never got them. The record is every number handed out so far
 * except the ones still `open` (claimed, or being claimed, and not yet leaving), so it stays a few ranges long.
 */
@Injectable()
export class SendWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SendWorkers.name);
  /** This process, as its claims name it; a new one if it was buried while alive (too slow to beat). */
  private identity = randomUUID();
  /** Own connections, outside the pool: one for the beats, one for the departure record (neither waits on the other). */
  private readonly clients: { beat?: Client; departures?: Client } = {};
  private timer: NodeJS.Timeout | undefined;
  private beats = 0;
  private beating = false;
  private stopped = false;
  /** performance.now() when the last beat that was recorded began; -Infinity before the first. */
  private lastBeatBegunAt = Number.NEGATIVE_INFINITY;
  /** The next claim sequence number (the record covers every number below it that is not open). */
  private nextSeq = 1;
  /** Numbers handed out to claims and not yet leaving (nor given up): never in the record. */
  private readonly open = new Set<number>();
  /** Departures announced so far, and how many of them a committed write has recorded. */
  private announced = 0;
  private recorded = 0;
  private writing = false;
  private waiters: Array<{ upTo: number; resolve: (ok: boolean) => void }> = [];

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** This process, as its claims name it now. */
  get id(): string {
    return this.identity;
  }

  /** Whether a request may leave now: the in-doubt rule will not count this process gone before it is over. */
  fresh(): boolean {
    return performance.now() - this.lastBeatBegunAt < SEND_WORKER_FRESH_MS;
  }

  /** Whether the request of this send may leave now: claimed by this process as it is now, and not fenced. */
  mayLeave(send: ClaimedAs): boolean {
    return send.claimedBy === this.identity && this.fresh();
  }

  /** Sequence numbers for a claim of up to `count` sends, open until they leave or the claim is `close`d. */
  allocate(count: number): ClaimSeqs {
    const base = this.nextSeq;
    this.nextSeq += count;
    for (let seq = base; seq < base + count; seq++) this.open.add(seq);
    return { by: this.identity, base, count };
  }

  /**
   * A source's claim under numbers of its own (`allocate`), closed at once when the claim fails or takes nothing: a
   * failed claim is closed, else a Postgres outage failing claim after claim would grow the record with holes (if it
   * had committed after all, its sends wait for the evidence). Otherwise the caller closes them once the claim's
   * outcomes are recorded, and leaves them open if it fails before that (an open number never left this process: if
   * it dies, those sends are queued again at once).
   */
  async claiming<T>(count: number, claim: (seqs: ClaimSeqs) => Promise<readonly T[]>): Promise<{ seqs: ClaimSeqs; claimed: readonly T[] }> {
    const seqs = this.allocate(count);
    let claimed: readonly T[];
    try {
      claimed = await claim(seqs);
    } catch (error) {
      this.close(seqs);
      throw error;
    }
    if (claimed.length === 0) this.close(seqs);
    return { seqs, claimed };
  }

  /**
   * The claim is done with (its sends answered, handed back, or never claimed): what of it did not leave is no
   * longer open. Recorded with the next write; a send of it still `sending` then is judged by the evidence (rule 2).
   */
  close(claim: ClaimSeqs): void {
    for (let seq = claim.base; seq < claim.base + claim.count; seq++) this.open.delete(seq);
  }

  /**
   * These sends are about to leave: true once their numbers are recorded as departed (one write for whatever is
   * announced meanwhile), false when they must not leave (the write failed, or this process was buried since it
   * claimed them): they are handed back unsent then.
   */
  departing(sends: readonly ClaimedAs[]): Promise<boolean> {
    let added = false;
    for (const send of sends) {
      if (send.claimedBy !== this.identity) return REFUSED;
      if (this.open.delete(send.seq)) added = true;
    }
    const upTo = added ? ++this.announced : this.announced;
    if (this.recorded >= upTo) return RECORDED;
    return new Promise((resolve) => {
      this.waiters.push({ upTo, resolve });
      if (!this.writing) void this.writeDepartures();
    });
  }

  /**
   * The workers among `ids` that are gone (no beat for SEND_WORKER_GONE_SECONDS) and recorded their departures,
   * with that record. Buries them first, in the same statement: from then on a buried worker can neither beat nor
   * record a departure (it takes a new identity if it was only slow), so nothing leaves it that the record does not
   * show. Postgres's clock decides; a concurrent departure write is waited for and re-read (the row is updated).
   */
  async bury(ids: readonly string[]): Promise<Array<{ id: string; departed: string }>> {
    if (ids.length === 0) return [];
    return this.db.query(
      `WITH buried AS (
         UPDATE send_workers SET buried_at = clock_timestamp()
          WHERE id = ANY($1::uuid[]) AND buried_at IS NULL AND departed IS NOT NULL
            AND seen_at + make_interval(secs => $2) <= clock_timestamp()
         RETURNING id, departed)
       SELECT id, departed::text AS departed FROM buried
        UNION ALL
       SELECT id, departed::text AS departed FROM send_workers WHERE id = ANY($1::uuid[]) AND buried_at IS NOT NULL AND departed IS NOT NULL`,
      [ids, SEND_WORKER_GONE_SECONDS],
    );
  }

  /** The record: every number handed out so far but the open ones, as an int8multirange. */
  private departedRanges(): string {
    const open = [...this.open].sort((a, b) => a - b);
    const ranges: string[] = [];
    let from = 1;
    for (const seq of open) {
      if (seq > from) ranges.push(`[${from},${seq})`);
      from = seq + 1;
    }
    if (this.nextSeq > from) ranges.push(`[${from},${this.nextSeq})`);
    return `{${ranges.join(',')}}`;
  }

  private async writeDepartures(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiters.length > 0) {
        const upTo = this.announced;
        const identity = this.identity;
        let ok = false;
        try {
          const client = await this.connected('departures');
          // A union, never an overwrite: the record only grows, and a write that reaches Postgres late (its
          // connection dropped, a newer one already in) cannot take back what a newer one recorded. No row (buried,
          // or a new identity's first beat not yet in): nothing recorded; the beat tells a burial (`reborn`).
          const result = await client.query({
            text: `UPDATE send_workers SET departed = COALESCE(departed, '{}') + $2::int8multirange WHERE id = $1 AND buried_at IS NULL`,
            values: [identity, this.departedRanges()],
          });
          ok = result.rowCount === 1 && identity === this.identity;
        } catch (error) {
          this.logger.warn(`Could not record sends as leaving (they are handed back unsent): ${(error as Error).message}`);
          await this.dropClient('departures');
        }
        if (ok) this.recorded = Math.max(this.recorded, upTo);
        const waiting = this.waiters;
        this.waiters = [];
        for (const w of waiting) {
          if (w.upTo <= upTo) w.resolve(ok);
          else this.waiters.push(w);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * Buried while alive (too slow to beat, counted gone): what it claimed under that identity was put back in the
   * queue or is judged by the evidence, so none of it may leave (`mayLeave`, `departing`). A new identity, and a
   * first beat for it before anything is sent.
   */
  private reborn(buried: string): void {
    if (buried !== this.identity) return;
    this.logger.warn(`This process was counted gone (no beat for ${SEND_WORKER_GONE_SECONDS} s): what it had claimed is handed back; it goes on as a new worker`);
    this.identity = randomUUID();
    this.open.clear();
    this.lastBeatBegunAt = Number.NEGATIVE_INFINITY;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), SEND_WORKER_BEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([this.dropClient('beat'), this.dropClient('departures')]);
  }

  private async beat(): Promise<void> {
    if (this.beating || this.stopped) return; // the last one is still on its way (it times out within a second)
    this.beating = true;
    const begunAt = performance.now();
    try {
      const client = await this.connected('beat');
      const identity = this.identity;
      // A buried worker stays buried: its beat changes nothing, and it takes a new identity (`reborn`).
      const result = await client.query({
        text: `INSERT INTO send_workers (id, started_at, seen_at, departed) VALUES ($1, now(), now(), '{}')
               ON CONFLICT (id) DO UPDATE SET seen_at = now() WHERE send_workers.buried_at IS NULL`,
        values: [identity],
      });
      if (result.rowCount === 0) {
        this.reborn(identity);
        setImmediate(() => void this.beat()); // the new identity's first beat, after this one is over
        return;
      }
      if (identity === this.identity) this.lastBeatBegunAt = begunAt;
      if (this.beats++ % PRUNE_EVERY_BEATS === 0) {
        await client.query({ text: `DELETE FROM send_workers WHERE seen_at < now() - make_interval(secs => $1)`, values: [KEPT_SECONDS] });
      }
    } catch (error) {
      this.logger.warn(`Could not record that this process is alive (it sends nothing until it can): ${(error as Error).message}`);
      await this.dropClient('beat'); // a new connection at the next beat
    } finally {
      this.beating = false;
    }
  }

  private async connected(kind: 'beat' | 'departures'): Promise<Client> {
    const open = this.clients[kind];
    if (open) return open;
    const options = this.db.options as { readonly url?: string; readonly applicationName?: string };
    const client = new Client({
      connectionString: options.url,
      application_name: `${options.applicationName ?? 'herald'}-${kind === 'beat' ? 'beat' : 'departures'}`,
      connectionTimeoutMillis: BEAT_TIMEOUT_MS,
      query_timeout: BEAT_TIMEOUT_MS,
      statement_timeout: BEAT_TIMEOUT_MS,
      keepAlive: true,
    });
    client.on('error', () => undefined); // a broken connection fails the next query, which replaces it
    this.clients[kind] = client;
    try {
      await client.connect();
    } catch (error) {
      if (this.clients[kind] === client) delete this.clients[kind];
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async dropClient(kind: 'beat' | 'departures'): Promise<void> {
    const client = this.clients[kind];
    delete this.clients[kind];
    await client?.end().catch(() => undefined);
  }
}
