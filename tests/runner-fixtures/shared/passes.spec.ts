import { expect, test } from '@playwright/test';

test('the web server answers', async ({ request }) => {
  expect((await request.get('/')).status()).toBe(200);
});
