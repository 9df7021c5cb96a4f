import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT_NAME = /^(\d{16})\.ndjson$/;

/** `42` → `0000000000000042.ndjson`: zero-padded, so name order is append order. */
export function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.ndjson`;
}

/** The sequence number of a segment file name, or undefined for any other file. */
export function segmentSeq(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Makes the directory's entries durable: after a crash a file created (or
 * renamed) since the last directory fsync may be gone with all its fsynced
 * content, because its name lives in the directory, not in the file.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The segment being appended to: created once, then written and flushed to disk once per batch. */
export class SegmentWriter {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates `dir/name` (it must not exist) and makes its name durable. */
  static async create(dir: string, name: string): Promise<SegmentWriter> {
    const path = join(dir, name);
    // Owner only: spooled events carry client addresses and token ids.
    const handle = await open(path, 'ax', 0o600);
    try {
      await syncDirectory(dir);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new SegmentWriter(path, handle);
  }

  /**
   * Appends `bytes` and returns once they are on disk. fdatasync, not fsync:
   * it still flushes the file size that an append changes, and skips only
   * timestamps nobody reads after a crash.
   */
  async append(bytes: Buffer): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset, null);
      offset += bytesWritten;
    }
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
