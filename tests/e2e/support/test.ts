import { test as base } from '@playwright/test';

export { expect } from '@playwright/test';
export type { Browser, Page, TestInfo } from '@playwright/test';

/**
 * Playwright's `test`, plus: every browser context a test opened (one per person, via
 * `browser.newContext`) is closed when the test ends. The shared browser would otherwise
 * keep earlier tests' pages alive — still connected, retrying, using the CPU the next
 * tests need.
 */
export const test = base.extend<{ closeContexts: void }>({
  closeContexts: [
    async ({ browser }, use) => {
      await use();
      await Promise.all(browser.contexts().map((context) => context.close().catch(() => {})));
    },
    { auto: true },
  ],
});
