import path from 'node:path';
import type { Page } from '@playwright/test';
import { decodeToken, holderCode } from '../../src/shared/voucher/token';
import { expect } from './fixtures';

/** The steps a cashier takes at the counter, shared by the counter and layout tests. */
export const FORMULA = '6902754001019'; // 飞鹤 infant formula, ¥268.00: eligible
export const BEER = '6902754099023'; // ¥6.50, alcohol: never eligible
export const BABY_CARE = '6902754004010'; // ¥39.90, baby care: eligible
export const SHOP_CODES = [
  '6902754001026',
  '6902754002016',
  '6902754002023',
  '6902754003013',
  '6902754003020',
  '6902754004027',
  '6902754006014',
  '6902754007011',
];

export async function signIn(page: Page, url: string, who: '李收银' | '王店主' = '李收银') {
  await page.goto(url);
  await signInHere(page, who);
}

/** On the sign-in screen already (after a sign-out or a restart). */
export async function signInHere(page: Page, who: '李收银' | '王店主' = '李收银') {
  await page.getByTestId(`user-${who}`).click();
  await page.keyboard.type(who === '李收银' ? '5678' : '1234');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('tab-checkout')).toBeVisible();
}

/** What a USB scanner does: the code's characters 5 ms apart, then Enter, with the focus on the page. */
export async function wedge(page: Page, code: string) {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press('Enter');
}

export async function cameraOff(page: Page) {
  const toggle = page.getByTestId('camera-toggle');
  if ((await toggle.getAttribute('aria-pressed')) === 'true') await toggle.click();
}

/** The holder code printed on the voucher's card, as the program's card printer makes it. */
export function cardCode(token: string): string {
  const d = decodeToken(token);
  if (!d.ok) throw new Error(`not a token: ${d.reason}`);
  return holderCode(d.token.fields.holderTag);
}

/** Formula and a voucher, confirmed: the recorded sale is on screen. */
export async function sellFormula(page: Page, voucher: string) {
  await wedge(page, FORMULA);
  await wedge(page, voucher);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('receipt')).toBeVisible();
}

/** Where an element sits against the window: fully inside it, with nothing to scroll. */
export async function inView(page: Page, testId: string): Promise<{ visible: boolean; bottom: number; right: number }> {
  const el = page.getByTestId(testId).first();
  // A screen still loading gets a moment; an action that never appears is reported as not in view.
  await el.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
  const box = (await el.count()) > 0 ? await el.boundingBox() : null;
  const vp = page.viewportSize()!;
  if (!box) return { visible: false, bottom: -1, right: -1 };
  return {
    visible: box.y >= 0 && box.x >= 0 && box.y + box.height <= vp.height && box.x + box.width <= vp.width,
    bottom: Math.round(box.y + box.height),
    right: Math.round(box.x + box.width),
  };
}

/** A screenshot kept beside the per-test ones in test-results/screens (Playwright's own output folder is emptied each run). */
export async function keepShot(page: Page, name: string) {
  await page.screenshot({ path: path.resolve(import.meta.dirname, '..', '..', 'test-results', 'screens', `${name}.png`) });
}
