import type { Page } from '@playwright/test';

/**
 * Pauses a page's JavaScript (the DevTools debugger) until `thaw`. A frozen sender
 * queues no more chunks, so its transfer cannot finish while frozen: whatever the
 * test does meanwhile certainly happens mid-transfer, however fast the machine.
 * Resolves once the page really stopped; call it while the page is busy (it pauses
 * at the next statement it runs). Do not use the page's locators while frozen.
 */
export async function freeze(page: Page): Promise<{ thaw: () => Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Debugger.enable');
  const paused = new Promise<void>((resolve) => cdp.once('Debugger.paused', () => resolve()));
  await cdp.send('Debugger.pause');
  await paused;
  return {
    async thaw() {
      await cdp.send('Debugger.resume');
      await cdp.send('Debugger.disable');
      await cdp.detach();
    },
  };
}
