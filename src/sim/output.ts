/**
 * A buffered JSON-lines file writer with back-pressure: lines collect in memory and are written in
 * ~256 KB chunks; `drain()` waits while the file stream is behind, so a month of backfill never
 * piles up in memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export class JsonLinesWriter {
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private bytes = 0;
  private waiting = false;
  lines = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  write(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    this.buffer.push(line);
    this.bytes += line.length;
    this.lines++;
    if (this.bytes >= 256 * 1024) this.flushBuffer();
  }

  private flushBuffer(): void {
    if (this.buffer.length === 0) return;
    const ok = this.stream.write(this.buffer.join(''));
    this.buffer = [];
    this.bytes = 0;
    if (!ok) this.waiting = true;
  }

  /** Resolves once the file stream has room again. */
  async drain(): Promise<void> {
    if (this.waiting) {
      await once(this.stream, 'drain');
      this.waiting = false;
    }
  }

  async close(): Promise<void> {
    this.flushBuffer();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
