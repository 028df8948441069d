/**
 * Everything a cashier needs fits the common shop screens without scrolling (issue 13, item 11):
 * on every screen, at 1366×768 and at 1280×800, the screen's primary actions are fully in view,
 * every touch target is at least 44 px, and the quick keys stay where they are as the basket grows.
 */
import type { Page } from '@playwright/test';
import { expect, startTillHost, stopTillHost, test } from './fixtures';
import { BEER, cameraOff, FORMULA, inView, keepShot, SHOP_CODES, signIn, signInHere, wedge } from './counterSteps';
import { prepareTill, type PreparedTill } from './tillSetup';

const SIZES = [
  { width: 1366, height: 768 },
  { width: 1280, height: 800 },
];

/** Each named action is fully inside the window. */
async function expectInView(page: Page, screen: string, testIds: string[]) {
  for (const id of testIds) {
    const where = await inView(page, id);
    expect(where.visible, `${screen}: "${id}" must be in view without scrolling (bottom ${where.bottom}, right ${where.right})`).toBe(true);
  }
}

/** The page itself does not scroll (a box inside it may). */
async function expectNoPageScroll(page: Page, screen: string) {
  const size = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, vh: window.innerHeight }));
  expect(size.h, `${screen}: the page is ${size.h} px tall in a ${size.vh} px window`).toBeLessThanOrEqual(size.vh);
}

/** Every visible button, field and checkbox is at least 44 px (a checkbox through its label). */
async function expectTouchTargets(page: Page, screen: string) {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    const seen = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight && getComputedStyle(el).visibility !== 'hidden';
    };
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.getAttribute('data-testid') || '').trim().slice(0, 30)}"`;
    for (const el of document.querySelectorAll('button, select, input, textarea')) {
      if (!seen(el)) continue;
      const r = el.getBoundingClientRect();
      if (el instanceof HTMLInputElement && el.type === 'checkbox') {
        const label = el.closest('label')?.getBoundingClientRect();
        if (r.width < 24 || !label || label.height < 43.5) out.push(`${name(el)} ${Math.round(label?.height ?? r.height)}px`);
      } else if (el instanceof HTMLButtonElement) {
        if (r.height < 43.5 || r.width < 43.5) out.push(`${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}px`);
      } else if (r.height < 43.5) out.push(`${name(el)} ${Math.round(r.height)}px tall`);
    }
    return out;
  });
  expect(small, `${screen}: touch targets under 44 px`).toEqual([]);
}

async function shot(page: Page, name: string) {
  await keepShot(page, `layout ${page.viewportSize()!.width}x${page.viewportSize()!.height} - ${name}`);
}

for (const size of SIZES) {
  const label = `${size.width}×${size.height}`;
  test.describe(`at ${label}`, () => {
    test.use({ viewport: size });

    test(`first run: after a setup error "开始使用" is still in view (${label})`, async ({ page }) => {
      const host = await startTillHost();
      try {
        await page.goto(host.openUrl);
        await page.getByTestId('setup-shop').fill('爱心母婴店');
        await page.getByTestId('setup-owner').fill('王店主');
        await page.getByTestId('setup-pin').fill('2468');
        await page.getByTestId('setup-pin2').fill('2469');
        await page.getByTestId('setup-submit').click();
        await expect(page.getByRole('alert')).toContainText('两次输入的密码不一样');
        await expectInView(page, 'setup', ['setup-submit', 'setup-demo', 'setup-error']);
        await expectNoPageScroll(page, 'setup');
        await expectTouchTargets(page, 'setup');
        await shot(page, 'setup-error');
      } finally {
        await stopTillHost(host);
      }
    });

    test.describe('with a till in use', () => {
      let till: PreparedTill;
      test.beforeEach(async () => {
        till = await prepareTill();
      });
      test.afterEach(() => till.cleanup());

      test(`the cashier's screens: sign-in, counter, success, void, today's sales (${label})`, async ({ page }) => {
        const host = await startTillHost(till.dataDir);
        try {
          await page.goto(host.openUrl);
          await page.getByTestId('user-李收银').click();
          await expectInView(page, 'sign-in', ['user-李收银', 'pin-ok']);
          await expectTouchTargets(page, 'sign-in');
          await signInHere(page);
          await cameraOff(page);

          // The counter with a long basket and two vouchers: confirm stays in view, the quick keys stay put.
          const quick = page.getByTestId('quick-儿童理发');
          const before = (await quick.boundingBox())!;
          for (const code of [FORMULA, BEER, ...SHOP_CODES]) await wedge(page, code);
          await expect(page.getByTestId('basket-line')).toHaveCount(2 + SHOP_CODES.length);
          await wedge(page, till.baby[0]!);
          await wedge(page, till.baby[1]!);
          await expect(page.getByTestId('voucher-list').locator('li')).toHaveCount(2);
          const after = (await quick.boundingBox())!;
          expect(after.y).toBe(before.y);
          expect(after.x).toBe(before.x);
          await expectInView(page, 'counter', ['manual-code', 'confirm', 'camera-toggle', 'quick-儿童理发', 'verdict']);
          await expectNoPageScroll(page, 'counter');
          await expectTouchTargets(page, 'counter');
          await shot(page, 'counter');

          await page.keyboard.press('Enter');
          await expect(page.getByTestId('success')).toBeVisible();
          await expectInView(page, 'success', ['success', 'new-sale', 'void-last']);
          await expectNoPageScroll(page, 'success');
          await expectTouchTargets(page, 'success');
          await shot(page, 'success');

          await page.keyboard.press('F4');
          await expect(page.getByTestId('void-confirm')).toBeVisible();
          await expectInView(page, 'void', ['void-ok', 'modal-cancel']);
          await expectTouchTargets(page, 'void');
          await shot(page, 'void-confirm');
          await page.keyboard.press('Escape');

          await page.keyboard.press('Enter');
          await page.keyboard.press('F8');
          await expectInView(page, "today's sales", ['close-day', 'history-view', 'history-void']);
          await expectTouchTargets(page, "today's sales");
          await page.getByTestId('history-view').first().click();
          await expect(page.getByTestId('sale-detail')).toBeVisible();
          await expectInView(page, 'sale detail', ['modal-cancel', 'detail-void']);
          await expectNoPageScroll(page, 'sale detail');
          await shot(page, 'sale-detail');
        } finally {
          await stopTillHost(host);
        }
      });

      test(`the owner's screens: settlement, shop settings, diagnostics (${label})`, async ({ page }) => {
        const host = await startTillHost(till.dataDir);
        try {
          await signIn(page, host.openUrl, '王店主');
          await page.getByTestId('tab-settlement').click();
          await expectInView(page, 'settlement', ['enroll-server', 'enroll-code', 'enroll-submit']);
          await expectTouchTargets(page, 'settlement');
          await page.getByTestId('tab-manage').click();
          await expectInView(page, 'shop settings', ['new-user-name', 'new-user-add']);
          await page.getByTestId('tab-diagnostics').click();
          await expectInView(page, 'diagnostics', ['diag-refresh']);
          await expectTouchTargets(page, 'diagnostics');
          await shot(page, 'diagnostics');
        } finally {
          await stopTillHost(host);
        }
      });
    });
  });
}
