import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

export const MiB = 1024 * 1024;
const BLOCK = 16 * MiB;

/** Rejects with a message naming `what` if `promise` is not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface TempFile {
  path: string;
  size: number;
  sha256: string;
  remove(): Promise<void>;
}

// Up to 1 GiB each: removed even when the run is interrupted half-way.
const liveTempFiles = new Set<string>();
process.on('exit', () => liveTempFiles.forEach((path) => rmSync(path, { force: true })));

/** Writes `size` random bytes to a temp file, then hashes what landed on disk. */
export async function randomTempFile(size: number): Promise<TempFile> {
  const path = join(tmpdir(), `p2pvault-bench-${process.pid}-${randomBytes(4).toString('hex')}.bin`);
  liveTempFiles.add(path);
  const remove = () => rm(path, { force: true }).then(() => void liveTempFiles.delete(path));
  try {
    const out = createWriteStream(path);
    for (let left = size; left > 0; left -= BLOCK) {
      if (!out.write(randomBytes(Math.min(BLOCK, left)))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return { path, size, sha256: await sha256File(path), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: BLOCK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** BENCH_SIZES_MIB="64,256" → [64, 256]; defaults to 256 MiB and 1 GiB. */
export function benchSizesMiB(env = process.env.BENCH_SIZES_MIB): number[] {
  if (!env) return [256, 1024];
  const sizes = env.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`BENCH_SIZES_MIB must be positive whole MiB numbers, got "${env}"`);
  }
  return sizes;
}

/** BENCH_LADDER_MIB="256" → the sizes the ladder's stages run at; defaults to the smallest of `sizes`. */
export function benchLadderMiB(sizes: number[], env = process.env.BENCH_LADDER_MIB): number[] {
  if (!env) return [Math.min(...sizes)];
  const ladder = benchSizesMiB(env);
  const missing = ladder.filter((size) => !sizes.includes(size));
  if (missing.length) throw new Error(`BENCH_LADDER_MIB sizes must be among BENCH_SIZES_MIB (${sizes.join(', ')}), not ${missing.join(', ')}`);
  return ladder;
}

/** BENCH_ROUNDS: how often each line runs, interleaved with the others (default 3). */
export function benchRounds(env = process.env.BENCH_ROUNDS): number {
  const rounds = Number(env ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a whole number ≥ 1, got "${env}"`);
  return rounds;
}

export const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

