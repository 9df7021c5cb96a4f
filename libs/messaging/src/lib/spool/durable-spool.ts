import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EventBusOptions } from '../event-bus';
import { SpoolFullError } from './spool.errors';
import { countRecords, decodeRecords, encodeRecords, type SpooledEvent } from './spool-record';
import { SegmentWriter, segmentName, segmentSeq } from './spool-segment';

/** Settings of a {@link DurableSpool}. */
export interface DurableSpoolOptions {
  /** The spool's own folder (created if missing); one per service instance. */
  readonly dir: string;
  /** Most bytes on disk, counting appends still being written; must be positive. */
  readonly maxBytes: number;
  /** A segment is sealed once it reaches this size (default maxBytes / 8, between 64 KiB and 4 MiB). */
  readonly segmentBytes?: number;
  readonly log?: EventBusOptions['log'];
}

/** A sealed segment: complete, never appended to again, removable once all of it was acknowledged. */
export interface SpoolSegment {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  readonly events: number;
}

/** What readiness, metrics and logs may show about a spool. */
export interface SpoolStats {
  readonly pendingEvents: number;
  readonly pendingBytes: number;
  readonly maxBytes: number;
  readonly segments: number;
  /** Batches made durable since open, each with one write and one fdatasync. */
  readonly appends: number;
}

interface Segment {
  readonly name: string;
  readonly path: string;
  bytes: number;
  events: number;
}

const KIB = 1024;

/** Folders open in this process: two spools in one folder would republish and delete each other's segments. */
const openFolders = new Set<string>();

/**
 * An append-only, crash-safe queue of events on local disk: NDJSON segment
 * files named by sequence number. `append` writes a batch with one write and
 * one fdatasync and resolves only after both, so a resolved append survives
 * a crash or power loss. Appends run one at a time, in call order, which is
 * the order the drainer republishes in.
 *
 * Segments found at open (a previous run's) are sealed: new events always go
 * to a new file, so nothing is ever appended behind a line torn by a crash.
 * The byte bound counts segments on disk plus appends in progress, so
 * concurrent batches cannot overshoot it together.
 */
export class DurableSpool {
  private readonly sealed: Segment[];
  private active: { readonly segment: Segment; readonly writer: SegmentWriter } | undefined;
  private nextSeq: number;
  private reservedBytes = 0;
  private appendsInFlight = 0;
  private appends = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly segmentBytes: number;

  private constructor(
    private readonly options: DurableSpoolOptions,
    recovered: Segment[],
    nextSeq: number,
  ) {
    this.sealed = recovered;
    this.nextSeq = nextSeq;
    this.segmentBytes = options.segmentBytes ?? Math.min(4096 * KIB, Math.max(64 * KIB, Math.floor(options.maxBytes / 8)));
  }

  /** Opens (creating) the folder and takes over the segments a previous run left. */
  static async open(options: DurableSpoolOptions): Promise<DurableSpool> {
    if (!(options.maxBytes > 0)) throw new Error('a spool needs a positive maxBytes; a disabled spool is no spool at all');
    const folder = resolve(options.dir);
    if (openFolders.has(folder)) throw new Error(`spool folder ${folder} is already in use by this process`);
    openFolders.add(folder);
    try {
      return await DurableSpool.recover(options);
    } catch (error) {
      openFolders.delete(folder);
      throw error;
    }
  }

  private static async recover(options: DurableSpoolOptions): Promise<DurableSpool> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const found = (await readdir(options.dir))
      .map((name) => ({ name, seq: segmentSeq(name) }))
      .filter((s): s is { name: string; seq: number } => s.seq !== undefined)
      .sort((a, b) => a.seq - b.seq);
    const recovered: Segment[] = [];
    for (const { name } of found) {
      const path = join(options.dir, name);
      const content = await readFile(path);
      recovered.push({ name, path, bytes: content.length, events: countRecords(content) });
    }
    const spool = new DurableSpool(options, recovered, (found.at(-1)?.seq ?? 0) + 1);
    if (recovered.length > 0) {
      const { pendingEvents, pendingBytes } = spool.stats();
      options.log?.('info', 'spool holds events of a previous run; they are republished first', {
        segments: recovered.length,
        pendingEvents,
        pendingBytes,
      });
    }
    return spool;
  }

  /** True when nothing is on disk or being written: new events may go straight to the bus. */
  get isEmpty(): boolean {
    return this.sealed.length === 0 && this.active === undefined && this.appendsInFlight === 0;
  }

  /** Events in the segment still open for appends (the drainer seals it before reading it). */
  get activeEvents(): number {
    return this.active?.segment.events ?? 0;
  }

  stats(): SpoolStats {
    const segments = this.active ? [...this.sealed, this.active.segment] : this.sealed;
    return {
      pendingEvents: segments.reduce((n, s) => n + s.events, 0),
      pendingBytes: segments.reduce((n, s) => n + s.bytes, 0),
      maxBytes: this.options.maxBytes,
      segments: segments.length,
      appends: this.appends,
    };
  }

  /**
   * Appends `events` in order and resolves once they are on disk.
   * @throws SpoolFullError when they do not fit (nothing is written).
   * @throws the file system's error when the write or the flush failed; part
   *   of the batch may then be on disk and get republished (at-least-once).
   */
  async append(events: readonly SpooledEvent[]): Promise<void> {
    if (this.closed) throw new Error('spool is closed');
    if (events.length === 0) return;
    const bytes = encodeRecords(events);
    const committed = this.stats().pendingBytes + this.reservedBytes;
    if (committed + bytes.length > this.options.maxBytes) throw new SpoolFullError(bytes.length, committed, this.options.maxBytes);
    this.reservedBytes += bytes.length;
    this.appendsInFlight++;
    try {
      await this.serially(() => this.write(bytes, events.length));
    } finally {
      this.reservedBytes -= bytes.length;
      this.appendsInFlight--;
    }
  }

  /** Seals the segment open for appends (after the appends already queued), so the drainer can take it. */
  seal(): Promise<void> {
    return this.serially(() => this.closeActive());
  }

  /** The oldest sealed segment: the next to republish. */
  oldestSealed(): SpoolSegment | undefined {
    const oldest = this.sealed[0];
    return oldest ? { ...oldest } : undefined;
  }

  /** The complete records of a sealed segment, in append order; a torn last line or an invalid line is logged and skipped. */
  async read(segment: SpoolSegment): Promise<readonly SpooledEvent[]> {
    let content: Buffer;
    try {
      content = await readFile(segment.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.options.log?.('error', 'spool segment vanished before it was republished', { segment: segment.name, events: segment.events });
      return [];
    }
    const decoded = decodeRecords(content);
    if (decoded.tornBytes > 0) {
      // The write of this line never completed, so its caller was refused and its request not served.
      this.options.log?.('warn', 'skipping the torn last line of a spool segment', { segment: segment.name, bytes: decoded.tornBytes });
    }
    if (decoded.invalidLines.length > 0) {
      this.options.log?.('error', 'skipping invalid lines of a spool segment', {
        segment: segment.name,
        count: decoded.invalidLines.length,
        lines: decoded.invalidLines.slice(0, 20),
      });
    }
    return decoded.events;
  }

  /**
   * Deletes a sealed segment once all of it was acknowledged. No directory
   * fsync: if a crash undoes the unlink, the segment is republished, which
   * at-least-once delivery allows.
   */
  async remove(segment: SpoolSegment): Promise<void> {
    try {
      await unlink(segment.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const index = this.sealed.findIndex((s) => s.name === segment.name);
    if (index !== -1) this.sealed.splice(index, 1);
  }

  /** Finishes queued appends and closes the open segment; it is taken over by the next open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.seal();
    } finally {
      openFolders.delete(resolve(this.options.dir));
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async write(bytes: Buffer, events: number): Promise<void> {
    const active = this.active ?? (await this.openSegment());
    try {
      await active.writer.append(bytes);
    } catch (error) {
      await this.abandonActive();
      throw error;
    }
    active.segment.bytes += bytes.length;
    active.segment.events += events;
    this.appends++;
    if (active.segment.bytes >= this.segmentBytes) await this.closeActive();
  }

  private async openSegment(): Promise<NonNullable<DurableSpool['active']>> {
    const name = segmentName(this.nextSeq++);
    const writer = await SegmentWriter.create(this.options.dir, name);
    this.active = { segment: { name, path: writer.path, bytes: 0, events: 0 }, writer };
    return this.active;
  }

  private async closeActive(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    this.sealed.push(active.segment);
    try {
      await active.writer.close();
    } catch (error) {
      // Every append to it was flushed already; a failed close loses nothing.
      this.options.log?.('warn', 'could not close a spool segment', { segment: active.segment.name, error: (error as Error).message });
    }
  }

  /**
   * After a failed write, part of the batch may be in the file, possibly a
   * torn line. The segment is sealed with what really reached it, and the
   * next batch starts a new file rather than append behind the tear.
   */
  private async abandonActive(): Promise<void> {
    const active = this.active;
    if (!active) return;
    await this.closeActive();
    try {
      const content = await readFile(active.segment.path);
      active.segment.bytes = content.length;
      active.segment.events = countRecords(content);
    } catch {
      // Keep the counts of the appends that succeeded.
    }
    this.options.log?.('warn', 'spool write failed; its segment is sealed and the next batch starts a new one', {
      segment: active.segment.name,
    });
  }
}
