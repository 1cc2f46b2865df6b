/**
 * The hub's write-ahead log: takes the slow sinks (the DuckDB store and its checkpoints, the history
 * port) off the acknowledgement path.
 *
 * - `append(batch)` frames the group commit's batch as one record; records appended while a write is
 *   running go out together in the next one (one writev + fdatasync per round). The promise resolves
 *   after the fdatasync: that is when the hub acknowledges the batch's messages.
 * - A background applier hands the logged batches, in order and merged up to `maxApplyRows`, to
 *   the sinks, then records the applied position (position.ts, fdatasync). A failed apply is retried
 *   with back-off; the batches stay in memory meanwhile.
 * - At most `maxLagMessages` messages may be logged and not applied; beyond that `append` waits (the
 *   group commit stalls, and its own back-pressure stops reading device connections).
 * - Segments are created zero-filled (`segmentBytes`, the next one in the background: segments.ts
 *   says why), roll when full and are deleted once the applied position has passed them.
 * - `open` first replays what was logged and not applied (a crash, or a close whose apply timed out).
 *
 * At least once: a crash between a sink's commit and the position record replays that group on the
 * next start, so its points are stored twice (same series, time, arrival and value; the store keeps
 * duplicates). The window is one apply round; nothing acknowledged is ever lost.
 */
import { mkdir, unlink, type FileHandle } from 'node:fs/promises';
import { writevSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecord, type LoggedBatch } from './record.js';
import { PositionFile, readPosition } from './position.js';
import { createSegment, listSegments, segmentFile } from './segments.js';
import { replay, type ReplayReport } from './replay.js';
import { applySlice, rowsOf, slicesOf, type WalSinks } from './apply.js';

export type { WalSinks, ReplayReport };

export interface WalOptions {
  readonly dir: string;
  readonly sinks: WalSinks;
  readonly maxLagMessages?: number;
  readonly segmentBytes?: number;
  /**
   * Most rows (points plus history messages) per store call. The DuckDB adapter's append runs
   * synchronously on the hub's thread, so smaller calls hold PUBACKs up for less time, but each is a
   * commit with its fixed cost: 10 000-row calls measured 46 main-thread CPU-ms per 1000 messages
   * at 20 000 msg/s offered against 31 with 50 000.
   */
  readonly maxApplyRows?: number;
  /** A failed apply (retried), a damaged tail cut off at start, a failed position write. */
  readonly onProblem?: (what: string, details: Record<string, unknown>) => void;
  readonly onApply?: (info: { messages: number; ms: number }) => void;
  /** One write round (writev + fdatasync): records, bytes, and ms from the write's start. */
  readonly onWrite?: (info: { records: number; bytes: number; ms: number }) => void;
}


interface Segment {
  readonly id: number;
  readonly handle: FileHandle;
  size: number;
}

interface Logged {
  readonly batch: LoggedBatch;
  readonly segment: number;
  readonly end: number;
}

interface Waiting {
  readonly record: Buffer;
  readonly batch: LoggedBatch;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const yieldTurn = () => new Promise<void>((r) => setImmediate(r));
const DEFAULT_APPLY_ROWS = 50_000;

export class WriteAheadLog {
  private segment!: Segment;
  /** The next segment, created (zero-filled) in the background while this one fills. */
  private next: Promise<Segment> | undefined;
  private readonly closedSegments: Array<{ readonly id: number; readonly size: number }> = [];
  private waiting: Waiting[] = [];
  private writing = false;
  private readonly logged: Logged[] = [];
  private applying: Promise<void> | undefined;
  private lagMessages = 0;
  private readonly roomWaiters: Array<() => void> = [];
  private closed = false;
  private stopped = false;
  private readonly maxLag: number;
  private readonly segmentBytes: number;
  private readonly maxApply: number;

  private constructor(
    private readonly options: WalOptions,
    private readonly position: PositionFile,
    readonly replayed: ReplayReport,
  ) {
    this.maxLag = options.maxLagMessages ?? 20_000;
    this.segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
    this.maxApply = options.maxApplyRows ?? DEFAULT_APPLY_ROWS;
  }

  /** Opens the log in `dir`, replaying into the sinks whatever was logged and not applied. */
  static async open(options: WalOptions): Promise<WriteAheadLog> {
    const { dir } = options;
    await mkdir(dir, { recursive: true });
    const positionFile = join(dir, 'applied.pos');
    const from = readPosition(positionFile) ?? { segment: 0, offset: 0 };
    const position = await PositionFile.open(positionFile);
    const ids = await listSegments(dir);
    const report = await replay(dir, ids, from, position, options.sinks, options.maxApplyRows ?? DEFAULT_APPLY_ROWS, options.onProblem);
    // Everything logged so far is applied: remove the old segments and start a fresh one.
    for (const id of ids) await unlink(segmentFile(dir, id));
    const log = new WriteAheadLog(options, position, report);
    await log.startSegment((ids.at(-1) ?? from.segment) + 1);
    return log;
  }

  /** Messages logged and not yet applied to the sinks. */
  get lag(): number {
    return this.lagMessages;
  }

  /** Resolves once the batch is on disk (fdatasync); rejects if the write failed (nothing was acknowledged). */
  async append(batch: LoggedBatch): Promise<void> {
    if (this.closed) throw new Error('the write-ahead log is closed');
    if (batch.telemetry.length > 0 && !this.options.sinks.writeTelemetry) throw new Error('no telemetry writer for the history port');
    while (this.lagMessages > 0 && this.lagMessages + batch.messages > this.maxLag) {
      await new Promise<void>((r) => this.roomWaiters.push(r));
      if (this.closed) throw new Error('the write-ahead log is closed');
    }
    this.lagMessages += batch.messages;
    const record = encodeRecord(batch);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ record, batch, resolve, reject });
      if (!this.writing) void this.writeRounds();
    });
  }

  /** Resolves when every logged batch has been applied (tests, close). */
  async drained(): Promise<void> {
    while (this.logged.length > 0 || this.waiting.length > 0 || this.writing) {
      await (this.applying ?? sleep(5));
    }
  }

  private async writeRounds(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const round = this.waiting;
      this.waiting = [];
      const seg = this.segment;
      let bytes = 0;
      for (const w of round) bytes += w.record.length;
      const started = performance.now();
      try {
        // The write itself is synchronous: a copy into the page cache (tens of µs for a round), and
        // it saves one thread-pool round trip, each of which waits for a busy event loop to come
        // around to its callback; only the fdatasync, the part that waits for the disk, is async.
        const bytesWritten = writevSync(seg.handle.fd, round.map((w) => w.record), seg.size);
        if (bytesWritten !== bytes) throw new Error(`short WAL write: ${bytesWritten} of ${bytes} bytes`);
        await seg.handle.datasync();
        this.options.onWrite?.({ records: round.length, bytes, ms: performance.now() - started });
      } catch (err) {
        for (const w of round) this.lagMessages -= w.batch.messages;
        this.wake();
        for (const w of round) w.reject(err as Error);
        // Whatever reached the file is not acknowledged; later records go to a new segment, so they never sit behind it.
        await this.roll().catch((e: unknown) => this.options.onProblem?.('could not start a new WAL segment', { err: (e as Error).message }));
        continue;
      }
      let end = seg.size;
      for (const w of round) {
        end += w.record.length;
        this.logged.push({ batch: w.batch, segment: seg.id, end });
      }
      seg.size = end;
      for (const w of round) w.resolve();
      // The apply starts on a later turn: the store's append runs synchronously on this thread for
      // tens of ms (DuckDB's appender flush, a checkpoint inside it for hundreds), and the batch's
      // PUBACKs, which are what the log is for, should go out before it.
      this.applying ??= yieldTurn().then(() => this.applyRounds());
      if (seg.size >= this.segmentBytes) await this.roll().catch((e: unknown) => this.options.onProblem?.('could not start a new WAL segment', { err: (e as Error).message }));
    }
    this.writing = false;
  }

  private async applyRounds(): Promise<void> {
    let backoff = 100;
    while (this.logged.length > 0 && !this.stopped) {
      let k = 0;
      let messages = 0;
      let rows = 0;
      while (k < this.logged.length && (k === 0 || rows + rowsOf(this.logged[k]!.batch) <= this.maxApply)) {
        const b = this.logged[k++]!.batch;
        messages += b.messages;
        rows += rowsOf(b);
      }
      const group = this.logged.slice(0, k);
      const started = performance.now();
      // One batch can exceed maxApplyRows (a group commit of 5 000 messages): it goes in slices, a
      // turn apart; a failed slice is retried alone, so the slices before it are not stored twice.
      const slices = slicesOf(
        group.map((g) => g.batch),
        this.maxApply,
      );
      for (let i = 0; i < slices.length && !this.stopped; ) {
        try {
          await applySlice(this.options.sinks, slices[i]!);
          backoff = 100;
          if (++i < slices.length) await yieldTurn();
        } catch (err) {
          this.options.onProblem?.('applying logged telemetry failed; retrying', { messages, err: (err as Error).message, retryMs: backoff });
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 5000);
        }
      }
      // Stopped part-way (close timed out): the group stays unrecorded and is replayed on the next start.
      if (this.stopped) break;
      this.logged.splice(0, k);
      this.options.onApply?.({ messages, ms: performance.now() - started });
      const last = group[k - 1]!;
      try {
        await this.position.write({ segment: last.segment, offset: last.end });
        await this.dropAppliedSegments(last.segment, last.end);
      } catch (err) {
        // The next round's position supersedes this one; at worst a restart re-applies (at least once).
        this.options.onProblem?.('recording the WAL position failed', { err: (err as Error).message });
      }
      this.lagMessages -= messages;
      this.wake();
      await yieldTurn(); // acknowledgements that became due meanwhile first
    }
    this.applying = undefined;
  }

  private wake(): void {
    for (const w of this.roomWaiters.splice(0)) w();
  }

  /** Deletes the closed segments the applied position (segment, offset) has passed or reached the end of. */
  private async dropAppliedSegments(segment: number, offset: number): Promise<void> {
    for (;;) {
      const s = this.closedSegments[0];
      if (!s || s.id > segment || (s.id === segment && s.size > offset)) return;
      this.closedSegments.shift();
      await unlink(segmentFile(this.options.dir, s.id));
    }
  }

  private create(id: number): Promise<Segment> {
    return createSegment(this.options.dir, id, this.segmentBytes).then((handle) => ({ id, handle, size: 0 }));
  }

  private prepareNext(): void {
    const next = this.create(this.segment.id + 1);
    next.catch(() => undefined); // reported when roll() needs it
    this.next = next;
  }

  private async startSegment(id: number): Promise<void> {
    this.segment = await this.create(id);
    this.prepareNext();
  }

  private async roll(): Promise<void> {
    const old = this.segment;
    this.segment = await (this.next ?? this.create(old.id + 1)).catch(() => this.create(old.id + 1));
    this.closedSegments.push({ id: old.id, size: old.size });
    await old.handle.close();
    this.prepareNext();
  }

  /**
   * Stops taking batches, lets the running write finish and the applier catch up for at most
   * `timeoutMs`; what is still unapplied then stays in the log and is replayed on the next open.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const until = Date.now() + timeoutMs;
    while ((this.writing || this.logged.length > 0) && Date.now() < until) await sleep(5);
    this.stopped = true;
    this.wake();
    if (this.applying) await Promise.race([this.applying, sleep(Math.max(0, until - Date.now()))]);
    await this.segment.handle.close();
    const next = await this.next?.catch(() => undefined);
    if (next) {
      await next.handle.close();
      await unlink(segmentFile(this.options.dir, next.id)).catch(() => undefined);
    }
    await this.position.close();
  }
}
