import { expect, test } from '@playwright/test';

throw new Error('this spec cannot even be loaded');

test('never registered', () => {
  expect(true).toBe(true);
});
