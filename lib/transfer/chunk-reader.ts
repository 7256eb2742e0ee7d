import { chunkCount, chunkRange } from './chunking';
import { readExact, type FileSource } from './file-source';

/**
 * Chunks per read (8 MiB): one File.slice() round trip to the browser's blob store per
 * block, not per chunk. Measured in Chromium, per 256 KiB: 1.5–2.1 ms read alone,
 * 1.0 ms in 2 MiB blocks, 0.43 ms in 8 MiB blocks (docs/performance.md).
 */
const BLOCK_CHUNKS = 32;
/** Blocks read ahead of the one being sealed and sent, so the disk, the cipher and the channel overlap. */
const READ_AHEAD_BLOCKS = 1;

/**
 * A file's chunks in order from `fromIndex`, read in blocks of many chunks, the next
 * block while the current one is sent (at most two blocks, 16 MiB, in memory). Every
 * read is a round trip to the browser process, so few large reads beat one per chunk.
 * A block whose size differs from what the file's size promised means the file
 * changed while being sent.
 */
export class ChunkReader {
  private readonly blocks: Promise<Uint8Array>[] = [];
  private nextRead: number;
  private block: { bytes: Uint8Array; first: number } | null = null;
  private nextChunk: number;
  readonly count: number;

  constructor(
    private readonly source: FileSource,
    private readonly chunkSize: number,
    fromIndex = 0,
  ) {
    this.count = chunkCount(source.size, chunkSize);
    this.nextRead = this.nextChunk = fromIndex;
    this.readAhead();
  }

  /** The next chunk (a view into its block); call at most `count - fromIndex` times. */
  async next(): Promise<Uint8Array> {
    const index = this.nextChunk++;
    if (!this.block || index >= this.block.first + BLOCK_CHUNKS) {
      this.block = { bytes: await this.blocks.shift()!, first: index };
      this.readAhead();
    }
    const offset = (index - this.block.first) * this.chunkSize;
    return this.block.bytes.subarray(offset, offset + this.chunkSize);
  }

  private readAhead(): void {
    for (; this.blocks.length < READ_AHEAD_BLOCKS && this.nextRead < this.count; this.nextRead += BLOCK_CHUNKS) {
      const last = Math.min(this.count, this.nextRead + BLOCK_CHUNKS) - 1;
      const start = chunkRange(this.source.size, this.chunkSize, this.nextRead).start;
      const end = chunkRange(this.source.size, this.chunkSize, last).end;
      const read = readExact((s, e) => this.source.read(s, e), start, end, `${this.source.path} changed while being sent`);
      read.catch(() => {}); // awaited in order by next(); a failure there ends the transfer
      this.blocks.push(read);
    }
  }
}
