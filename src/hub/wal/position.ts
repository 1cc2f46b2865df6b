/**
 * The applied position of the write-ahead log: the segment and byte offset up to which every record
 * has reached the slow sinks. Kept in a small file with two slots written alternately, each with a
 * sequence number and a CRC, so a crash mid-write leaves the other slot intact (the reader takes the
 * valid slot with the higher sequence). Writes are followed by fdatasync.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';

export interface WalPosition {
  readonly segment: number;
  readonly offset: number;
}

const SLOT = 32;
const BODY = 24; // f64 sequence, f64 segment, f64 offset

/** The recorded position, or undefined when there is none (new log, or both slots unreadable). */
export function readPosition(file: string): WalPosition | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let best: { seq: number; pos: WalPosition } | undefined;
  for (let slot = 0; slot < 2; slot++) {
    const at = slot * SLOT;
    if (at + BODY + 4 > data.length) continue;
    const body = data.subarray(at, at + BODY);
    if (crc32(body) !== data.readUInt32LE(at + BODY)) continue;
    const seq = body.readDoubleLE(0);
    if (!best || seq > best.seq) best = { seq, pos: { segment: body.readDoubleLE(8), offset: body.readDoubleLE(16) } };
  }
  return best?.pos;
}

export class PositionFile {
  private seq: number;
  private constructor(
    private readonly handle: FileHandle,
    start: number,
  ) {
    this.seq = start;
  }

  static async open(file: string): Promise<PositionFile> {
    const handle = await open(file, 'a+').then(async (h) => {
      await h.close();
      return open(file, 'r+');
    });
    // Continue the sequence of what is there, so the next write is the newer slot.
    let seq = 0;
    const data = await handle.readFile();
    for (let slot = 0; slot < 2; slot++) {
      const at = slot * SLOT;
      if (at + BODY + 4 <= data.length && crc32(data.subarray(at, at + BODY)) === data.readUInt32LE(at + BODY)) seq = Math.max(seq, data.readDoubleLE(at));
    }
    return new PositionFile(handle, seq);
  }

  async write(pos: WalPosition): Promise<void> {
    this.seq++;
    const buf = Buffer.alloc(SLOT);
    buf.writeDoubleLE(this.seq, 0);
    buf.writeDoubleLE(pos.segment, 8);
    buf.writeDoubleLE(pos.offset, 16);
    buf.writeUInt32LE(crc32(buf.subarray(0, BODY)), BODY);
    await this.handle.write(buf, 0, SLOT, (this.seq % 2) * SLOT);
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
