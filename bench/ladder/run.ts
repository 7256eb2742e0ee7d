import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { CHUNK_FRAME_OVERHEAD } from '../../lib/protocol/frames';
import { chunkCount, chunkSizeFor } from '../../lib/transfer/chunking';
import { withTimeout, type TempFile } from '../util';
import type { LadderStage, ReceiverResult, ReceiverStage, SenderStage, StageKeys } from './stages';

// The Node side of the stage ladder: connects a sending and a receiving ladder page
// (bench/ladder/serve.ts) over one DataChannel, then runs any stage over it. Every
// stage must deliver every byte; the stages that hash must reach the file's SHA-256.

interface LadderApi {
  offer(): Promise<string>;
  answer(offer: string): Promise<string>;
  accept(answer: string): Promise<void>;
  opened(): Promise<number>;
  sendStage(stage: SenderStage, keys: StageKeys): Promise<void>;
  armStage(stage: ReceiverStage, expected: { bytes: number; chunks: number }, keys: StageKeys): Promise<void>;
  received(): Promise<ReceiverResult>;
  engineArm(): Promise<string>;
  engineReceive(linkKey: string, senderPublic: string): Promise<ReceiverResult>;
  engineSend(linkKey: string, receiverPublic: string): Promise<string>;
  engineSent(): Promise<void> | null;
  cleanUp(): Promise<void>;
  close(): void;
}
type Ladder = { ladder: LadderApi };

export interface LadderLink {
  /** Picks the file on the sending page (not timed). */
  pick(file: TempFile): Promise<void>;
  /** Runs one stage with the picked file; returns the ms from the first send to the last byte handled. */
  run(stage: LadderStage, file: TempFile, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export async function connectLadder(sender: Page, receiver: Page, url: string): Promise<LadderLink> {
  await Promise.all([sender.goto(url), receiver.goto(url)]);
  await Promise.all([sender, receiver].map((page) => page.waitForFunction(() => 'ladder' in window)));
  const offer = await sender.evaluate(() => (window as unknown as Ladder).ladder.offer());
  const answer = await receiver.evaluate((o) => (window as unknown as Ladder).ladder.answer(o), offer);
  await sender.evaluate((a) => (window as unknown as Ladder).ladder.accept(a), answer);
  const opened = Promise.all([sender, receiver].map((page) => page.evaluate(() => (window as unknown as Ladder).ladder.opened())));
  const [maxMessageSize] = await withTimeout(opened, 15_000, 'ladder channel open');
  const chunkSize = chunkSizeFor(maxMessageSize!);

  async function runStage(stage: LadderStage, file: TempFile): Promise<{ ms: number; result: ReceiverResult }> {
    const keys: StageKeys = { linkKey: randomBytes(32).toString('hex'), fileId: randomBytes(16).toString('hex') };
    const chunks = chunkCount(file.size, chunkSize);
    if (stage.sender === 'engine') {
      const receiverPublic = await receiver.evaluate(() => (window as unknown as Ladder).ladder.engineArm());
      const start = performance.now();
      const senderPublic = await sender.evaluate(([k, p]) => (window as unknown as Ladder).ladder.engineSend(k, p), [keys.linkKey, receiverPublic] as const);
      const received = receiver.evaluate(([k, p]) => (window as unknown as Ladder).ladder.engineReceive(k, p), [keys.linkKey, senderPublic] as const);
      const [result] = await Promise.all([received, sender.evaluate(() => (window as unknown as Ladder).ladder.engineSent())]);
      const ms = performance.now() - start;
      await receiver.evaluate(() => (window as unknown as Ladder).ladder.cleanUp());
      return { ms, result };
    }
    const framed = stage.sender === 'seal' || stage.sender === 'hash';
    const expected = { bytes: file.size + (framed ? chunks * CHUNK_FRAME_OVERHEAD : 0), chunks };
    const receiverStage = stage.receiver as ReceiverStage;
    await receiver.evaluate(([s, e, k]) => (window as unknown as Ladder).ladder.armStage(s, e, k), [receiverStage, expected, keys] as const);
    const start = performance.now();
    const received = receiver.evaluate(() => (window as unknown as Ladder).ladder.received());
    await Promise.all([received, sender.evaluate(([s, k]) => (window as unknown as Ladder).ladder.sendStage(s, k), [stage.sender as SenderStage, keys] as const)]);
    const ms = performance.now() - start;
    const result = await received;
    if (result.bytes !== expected.bytes) throw new Error(`${stage.name}: ${result.bytes} bytes arrived, ${expected.bytes} were sent`);
    return { ms, result };
  }

  return {
    async pick(file) {
      await sender.locator('#file').setInputFiles(file.path);
    },
    async run(stage, file, timeoutMs) {
      const { ms, result } = await withTimeout(runStage(stage, file), timeoutMs, `ladder stage ${stage.name}`);
      if (stage.sender === 'engine' && result.bytes !== file.size) throw new Error(`${stage.name}: ${result.bytes} of ${file.size} bytes verified`);
      if (result.sha256 !== undefined && result.sha256 !== file.sha256) throw new Error(`${stage.name}: SHA-256 ${result.sha256} is not the file's ${file.sha256}`);
      return ms;
    },
    async close() {
      await Promise.all([sender, receiver].map((page) => page.evaluate(() => (window as unknown as Ladder).ladder.close())));
    },
  };
}
