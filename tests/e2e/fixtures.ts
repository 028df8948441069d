import { test as base, expect, type Page } from '@playwright/test';
import { startTillHost, stopTillHost, type TillHost } from './tillHost';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

/** Every test gets its own till and leaves a screenshot behind, pass or fail. */
export const test = base.extend<{ till: TillHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern for fixtures
  till: async ({}, use) => {
    const h = await startTillHost();
    await use(h);
    await stopTillHost(h);
    fs.rmSync(h.dataDir, { recursive: true, force: true });
    fs.rmSync(`${h.dataDir}-demo-program`, { recursive: true, force: true }); // the demo program lives beside it
  },
});

test.afterEach(async ({ page }, testInfo) => {
  const name = testInfo.titlePath
    .slice(1)
    .join(' - ')
    .replace(/[^\w\u4e00-\u9fff-]+/g, '_');
  await page.screenshot({ path: path.join(root, 'test-results', 'screens', `${name}.png`), fullPage: true });
});

/** The first-run screen: shop name, owner, PIN twice, sample catalogue kept; lands on the till. */
export async function completeSetup(page: Page, shopName: string, pin = '2468'): Promise<void> {
  await page.getByTestId('setup-shop').fill(shopName);
  await page.getByTestId('setup-owner').fill('店主');
  await page.getByTestId('setup-pin').fill(pin);
  await page.getByTestId('setup-pin2').fill(pin);
  await expect(page.getByTestId('setup-demo')).toBeChecked();
  await page.getByTestId('setup-submit').click();
  await expect(page.getByTestId('basket-empty')).toBeVisible();
}

export { expect, startTillHost, stopTillHost, type TillHost };
