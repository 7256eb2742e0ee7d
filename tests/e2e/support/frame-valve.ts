import type { Page } from '@playwright/test';

/**
 * A slow receiver, made deterministic: the page hands the first `pass` DataChannel
 * frames to its receive Worker and holds the rest until `release()` (or forever). The
 * page itself stays responsive (signaling, the channel's events, the UI), only the
 * transfer stalls, so the sender's flow window keeps it from finishing meanwhile.
 * Call before the page navigates to the link.
 */
export async function frameValve(page: Page, pass: number): Promise<{ release: () => Promise<void> }> {
  await page.context().addInitScript((pass: number) => {
    const post = Worker.prototype.postMessage as (this: Worker, message: unknown, transfer?: Transferable[]) => void;
    const held: { worker: Worker; message: unknown; transfer?: Transferable[] }[] = [];
    let passed = 0;
    let open = false;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: Transferable[]) {
      const isFrame = typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'frame';
      if (isFrame && !open && ++passed > pass) {
        held.push({ worker: this, message, transfer });
        return;
      }
      post.call(this, message, transfer);
    } as typeof Worker.prototype.postMessage;
    (window as unknown as { releaseFrames: () => void }).releaseFrames = () => {
      open = true;
      for (const { worker, message, transfer } of held.splice(0)) post.call(worker, message, transfer);
    };
  }, pass);
  return {
    release: () => page.evaluate(() => (window as unknown as { releaseFrames: () => void }).releaseFrames()),
  };
}
