import { expect, test } from '@playwright/test';

test.skip('a skipped test', () => {
  expect(true).toBe(true);
});
