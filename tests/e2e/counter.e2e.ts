/**
 * At the counter, at 1366×768 (the common shop PC): what a new cashier tripped over (issue 13),
 * each as the cashier meets it, and the feel of the till: the success state, the voice, the
 * customer display. Every test leaves a screenshot in test-results/screens/.
 */
import net from 'node:net';
import type { Page } from '@playwright/test';
import { createServices } from '../../src/core/services';
import { expect, startTillHost, stopTillHost, test } from './fixtures';
import { BABY_CARE, BEER, cameraOff, cardCode, FORMULA, inView, keepShot, sellFormula, signIn, signInHere, wedge } from './counterSteps';
import { prepareTill, type PreparedTill } from './tillSetup';

test.use({ viewport: { width: 1366, height: 768 } });

/** A Web Speech API that records what the till says, with one zh-CN voice (headless Chromium has none). */
async function recordSpeech(page: Page) {
  await page.addInitScript(() => {
    const spoken: Array<{ text: string; lang: string }> = [];
    const voices = [{ lang: 'zh-CN', name: 'Test 普通话', localService: true, default: true, voiceURI: 'test-zh' }];
    Object.assign(window, { __spoken: spoken });
    class Utterance {
      text: string;
      lang = '';
      voice: unknown = null;
      rate = 1;
      constructor(text: string) {
        this.text = text;
      }
    }
    Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true });
    Object.defineProperty(window, 'speechSynthesis', {
      configurable: true,
      value: {
        getVoices: () => voices,
        speak: (u: Utterance) => spoken.push({ text: u.text, lang: u.lang }),
        cancel: () => undefined,
      },
    });
  });
  return () => page.evaluate(() => (window as unknown as { __spoken: Array<{ text: string; lang: string }> }).__spoken.map((s) => s.text));
}

function journalTypes(dataDir: string): string[] {
  const s = createServices({ dataDir, host: 'direct', appVersion: 'e2e' });
  try {
    return s.journal.range(1, 1000).map((r) => r.type);
  } finally {
    s.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

test.describe('at the counter', () => {
  let till: PreparedTill;
  test.beforeEach(async () => {
    till = await prepareTill();
  });
  test.afterEach(() => till.cleanup());

  test('1 · a voucher code typed or pasted into the code field, then Enter, then Enter again confirms the sale', async ({ page }) => {
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await cameraOff(page);
      await wedge(page, FORMULA);
      const field = page.getByTestId('manual-code');
      await field.click();
      await field.fill(till.baby[0]!); // a paste
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
      await expect(field).toBeFocused(); // still there for the next code…
      await page.keyboard.press('Enter'); // …and Enter confirms
      await expect(page.getByTestId('receipt')).toBeVisible();
      await expect(page.getByTestId('receipt-voucher-paid')).toHaveText('¥50.00');
      await expect(page.getByTestId('success')).toBeVisible();
    } finally {
      await stopTillHost(host);
    }
    expect(journalTypes(till.dataDir)).toEqual(['redeem']);
  });

  test('3 · a sale opened from today’s sales shows its summary beside the receipt, readable, in one screen', async ({ page }) => {
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await cameraOff(page);
      await sellFormula(page, till.baby[0]!);
      await page.keyboard.press('Enter');
      await page.keyboard.press('F8');
      await page.getByRole('button', { name: '查看' }).first().click();
      await expect(page.getByTestId('receipt-preview')).toBeVisible();
      const summary = (await page.getByTestId('receipt').boundingBox())!;
      const paper = (await page.getByTestId('receipt-preview').boundingBox())!;
      expect(summary.width).toBeGreaterThanOrEqual(320);
      expect(summary.x + summary.width).toBeLessThanOrEqual(paper.x); // side by side, never over each other
      const page_ = await page.evaluate(() => ({ height: document.documentElement.scrollHeight, window: window.innerHeight }));
      expect(page_.height).toBeLessThanOrEqual(page_.window);
      await expect(page.getByTestId('sale-detail')).toBeVisible();
      expect((await inView(page, 'modal-cancel')).visible).toBe(true);
      await expect(page.getByTestId('sale-detail').getByTestId('receipt')).toContainText('飞鹤');
    } finally {
      await stopTillHost(host);
    }
  });

  test('5 · the holder code on the card is what the verdict, the success state, the receipt and today’s sales show', async ({ page }) => {
    const code = cardCode(till.baby[1]!);
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await cameraOff(page);
      await wedge(page, FORMULA);
      await wedge(page, till.baby[1]!);
      await expect(page.getByTestId('verdict')).toContainText(`持券码 ${code}`);
      await expect(page.getByTestId('voucher-list')).toContainText(code);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('success')).toContainText(`持券码 ${code}`);
      await expect(page.getByTestId('receipt')).toContainText(code);
      await page.keyboard.press('Enter');
      await page.keyboard.press('F8');
      await page.getByTestId('history-view').first().click();
      await expect(page.getByTestId('sale-detail').getByTestId('receipt')).toContainText(`持券码 ${code}`);
    } finally {
      await stopTillHost(host);
    }
  });

  test('7 · F4 and 撤销 ask first, showing what will be reversed, and Esc leaves the sale standing', async ({ page }) => {
    const code = cardCode(till.baby[0]!);
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await cameraOff(page);
      await wedge(page, FORMULA);
      await wedge(page, BEER);
      await wedge(page, till.baby[0]!);
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('receipt')).toBeVisible();
      await page.keyboard.press('F4');
      const ask = page.getByTestId('void-confirm');
      await expect(ask).toBeVisible();
      await expect(ask.getByTestId('void-vouchers')).toContainText(code);
      await expect(ask.getByTestId('void-vouchers')).toContainText('退回券 ¥50.00');
      await expect(ask.getByTestId('void-other-total')).toHaveText('¥224.50');
      await page.keyboard.press('Escape');
      await expect(ask).toBeHidden();
      await expect(page.getByTestId('receipt-voided')).toBeHidden();
      await expect(page.getByTestId('success')).toContainText('核销成功');
      // From today's sales: the same question, then Enter voids it.
      await page.keyboard.press('Enter');
      await page.keyboard.press('F8');
      await page.getByTestId('history-void').first().click();
      await expect(ask).toBeVisible();
      await expect(ask).toContainText(code);
      await page.keyboard.press('Enter');
      await expect(ask).toBeHidden();
      await expect(page.getByTestId('history-row').first()).toContainText('已撤销');
    } finally {
      await stopTillHost(host);
    }
    expect(journalTypes(till.dataDir)).toEqual(['redeem', 'reverse']);
  });

  test('8 · every dialog has a cancel button in view: the owner’s PIN, the item finder, the forfeit question', async ({ page }) => {
    const host = await startTillHost(till.dataDir);
    try {
      // The owner sells; the cashier may not void the owner's sale without the owner's PIN.
      await signIn(page, host.openUrl, '王店主');
      await cameraOff(page);
      await sellFormula(page, till.baby[0]!);
      await page.keyboard.press('Enter');
      await page.getByTestId('logout').click();
      await signInHere(page, '李收银');
      await page.keyboard.press('F8');
      await page.getByTestId('history-void').first().click();
      const pin = page.getByTestId('owner-pin');
      const ok = page.getByTestId('void-ok'); // the void is confirmed first (item 7), then the owner is asked
      await expect(ok.or(pin).first()).toBeVisible();
      if (await ok.isVisible()) await ok.click();
      await expect(pin).toBeVisible();
      expect((await inView(page, 'modal-cancel')).visible).toBe(true);
      await pin.getByTestId('modal-cancel').click();
      await expect(pin).toBeHidden();
      await expect(page.getByTestId('history-row').first()).not.toContainText('已撤销');

      await page.keyboard.press('F1');
      await cameraOff(page);
      await page.keyboard.press('F3');
      await expect(page.getByTestId('item-finder')).toBeVisible();
      await page.getByTestId('item-finder').getByTestId('modal-cancel').click();
      await expect(page.getByTestId('item-finder')).toBeHidden();

      await wedge(page, BABY_CARE); // ¥39.90 against a ¥50 voucher: ¥10.10 forfeited
      await wedge(page, till.baby[1]!);
      await expect(page.getByTestId('total-forfeited')).toHaveText('¥10.10');
      await page.getByTestId('confirm').click();
      const forfeit = page.getByTestId('forfeit-confirm');
      await expect(forfeit).toBeVisible();
      await expect(forfeit.getByTestId('modal-cancel')).toHaveText(/返回/);
      await forfeit.getByTestId('modal-cancel').click();
      await expect(forfeit).toBeHidden();
      await expect(page.getByTestId('basket-line')).toHaveCount(1);
    } finally {
      await stopTillHost(host);
    }
    expect(journalTypes(till.dataDir)).toEqual(['redeem']);
  });

  test('9 · the basket stays when the cashier opens another screen, and after a power cut the sale can be carried on', async ({ page }) => {
    const port = await freePort();
    const first = await startTillHost(till.dataDir, ['--no-demo', '--port', String(port)]);
    try {
      await signIn(page, first.openUrl);
      await cameraOff(page);
      await wedge(page, FORMULA);
      await wedge(page, BEER);
      await wedge(page, till.baby[0]!);
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
      await page.keyboard.press('F8');
      await expect(page.getByTestId('history-summary')).toBeVisible();
      await page.getByTestId('tab-checkout').click();
      await expect(page.getByTestId('basket-line')).toHaveCount(2);
      await expect(page.getByTestId('total-voucher')).toHaveText('¥50.00');
    } finally {
      await stopTillHost(first); // the power goes
    }
    // The till comes back on the same address; core has forgotten every session, the browser kept the cart.
    const second = await startTillHost(till.dataDir, ['--no-demo', '--port', String(port)]);
    const again = page;
    try {
      await again.goto('about:blank'); // the window is gone too; only what the browser keeps on disk survives
      await signIn(again, second.openUrl);
      const resume = again.getByTestId('resume-sale');
      await expect(resume).toBeVisible();
      await expect(resume).toContainText('2 种商品，1 张券');
      await again.keyboard.press('Enter');
      await expect(resume).toBeHidden();
      await expect(again.getByTestId('basket-line')).toHaveCount(2);
      await expect(again.getByTestId('total-voucher')).toHaveText('¥50.00');
      await again.keyboard.press('Enter');
      await expect(again.getByTestId('success')).toBeVisible();
      await keepShot(again, 'counter - resumed');
    } finally {
      await stopTillHost(second);
    }
    expect(journalTypes(till.dataDir)).toEqual(['redeem']);
  });

  test('13 · an over-long scan, Chinese text and markup each get a clear answer and never enter or poison the sale', async ({ page }) => {
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await cameraOff(page);
      await wedge(page, FORMULA);
      const field = page.getByTestId('manual-code');
      await field.fill(`CT1:${'ABC'.repeat(1800)}`);
      await field.press('Enter');
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'not_a_voucher');
      await expect(page.getByTestId('verdict')).toContainText('不是有效的券码');
      for (const junk of ['中文券码', '<script>alert(1)</script>']) {
        await field.fill(junk);
        await field.press('Enter');
        await expect(page.getByTestId('notice')).toContainText('不是条码');
        await expect(page.getByTestId('notice')).toContainText(junk.slice(0, 8));
        await expect(page.getByTestId('notice')).not.toContainText('校验位');
      }
      await expect(page.getByTestId('basket-line')).toHaveCount(1);
      await expect(page.getByTestId('sale-error')).toBeHidden();
      // A good voucher afterwards pays as usual, and the sale can be confirmed.
      await wedge(page, till.baby[0]!);
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
      await expect(page.getByTestId('total-voucher')).toHaveText('¥50.00');
      await expect(page.getByTestId('confirm')).toBeEnabled();
      await expect(page.getByTestId('sale-error')).toBeHidden();
    } finally {
      await stopTillHost(host);
    }
  });

  test('14 · in English, ’ is a narrow Latin mark and the code field’s hint fits in the field', async ({ page }) => {
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await page.getByTestId('lang-en').click();
      // The screen title of today's sales carries a ’ (the tab itself is a short "Today").
      await page.getByTestId('tab-history').click();
      const title = page.getByRole('heading', { name: 'Today’s sales' });
      await expect(title).toBeVisible();
      const widths = await title.evaluate((el) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node = walker.nextNode();
        while (node && !node.textContent?.includes('’')) node = walker.nextNode();
        if (!node) return null;
        const range = document.createRange();
        const at = node.textContent!.indexOf('’');
        range.setStart(node, at);
        range.setEnd(node, at + 1);
        return { mark: range.getBoundingClientRect().width, em: parseFloat(getComputedStyle(el).fontSize) };
      });
      expect(widths).not.toBeNull();
      expect(widths!.mark).toBeLessThan(widths!.em * 0.45);
      await page.getByTestId('tab-checkout').click();
      const fit = await page.getByTestId('manual-code').evaluate((input: HTMLInputElement) => {
        const style = getComputedStyle(input, '::placeholder');
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const cs = getComputedStyle(input);
        const room = input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return { text: ctx.measureText(input.placeholder).width, room };
      });
      expect(fit.text).toBeLessThanOrEqual(fit.room);
    } finally {
      await stopTillHost(host);
    }
  });

  test('a redemption ends in a full-width success state, said aloud, and the counter is ready again by itself', async ({ page }) => {
    const spoken = await recordSpeech(page);
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await cameraOff(page);
      await wedge(page, FORMULA);
      await wedge(page, till.expired);
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'expired');
      await expect.poll(spoken).toContain('券不能使用，这张券已过期');
      await wedge(page, till.baby[0]!);
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
      await page.keyboard.press('Enter');
      const success = page.getByTestId('success');
      await expect(success).toContainText('核销成功');
      await expect(page.getByTestId('success-amount')).toHaveText('券支付 ¥50.00');
      await expect(page.getByTestId('success-other')).toHaveText('顾客另付 ¥218.00');
      await expect(success).toContainText(cardCode(till.baby[0]!));
      const banner = (await success.boundingBox())!;
      expect(banner.width).toBeGreaterThan(1200);
      const size = await page.getByTestId('success-amount').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(size).toBeGreaterThanOrEqual(40);
      await expect.poll(spoken).toContain('核销成功，券支付五十元');
      expect((await inView(page, 'new-sale')).visible).toBe(true);
      expect((await inView(page, 'void-last')).visible).toBe(true);
      await keepShot(page, 'counter - success');
      // Untouched, the counter comes back by itself.
      await expect(page.getByTestId('auto-next')).toBeVisible();
      await expect(page.getByTestId('basket-empty')).toBeVisible({ timeout: 25_000 });
      // The next customer's first scan just works.
      await wedge(page, BEER);
      await expect(page.getByTestId('basket-line')).toHaveCount(1);
    } finally {
      await stopTillHost(host);
    }
  });

  test('the next scan on the success screen starts the next customer’s sale', async ({ page }) => {
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await cameraOff(page);
      await sellFormula(page, till.baby[0]!);
      await page.waitForTimeout(1600);
      await wedge(page, BEER);
      await expect(page.getByTestId('success')).toBeHidden();
      await expect(page.getByTestId('basket-line')).toHaveCount(1);
      await expect(page.getByTestId('basket-line')).toContainText('啤酒');
    } finally {
      await stopTillHost(host);
    }
  });

  test('the owner can turn the voice off, and then the till only plays its tones', async ({ page }) => {
    const spoken = await recordSpeech(page);
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl, '王店主');
      await page.getByTestId('tab-manage').click();
      const toggle = page.getByTestId('voice-toggle');
      await expect(toggle).toBeChecked();
      const box = (await toggle.locator('xpath=..').boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      await toggle.click();
      await expect(toggle).not.toBeChecked();
      await page.keyboard.press('F1');
      await cameraOff(page);
      await sellFormula(page, till.baby[0]!);
      await page.waitForTimeout(300);
      expect(await spoken()).toEqual([]);
    } finally {
      await stopTillHost(host);
    }
  });

  test('the customer display shows the basket, what the voucher pays, what the family pays and what is left, live', async ({
    page,
    context,
  }) => {
    const host = await startTillHost(till.dataDir);
    try {
      await signIn(page, host.openUrl);
      await cameraOff(page);
      const [display] = await Promise.all([context.waitForEvent('page'), page.getByTestId('open-customer-display').click()]);
      await display.setViewportSize({ width: 1024, height: 600 });
      const board = display.getByTestId('customer-display');
      await expect(board).toHaveAttribute('data-phase', 'idle');
      await wedge(page, FORMULA);
      await wedge(page, BEER);
      await expect(board).toHaveAttribute('data-phase', 'sale');
      await expect(display.getByTestId('customer-lines')).toContainText('飞鹤');
      await expect(display.getByTestId('customer-basket')).toHaveText('¥274.50');
      await wedge(page, till.baby[0]!);
      await expect(display.getByTestId('customer-voucher')).toHaveText('¥50.00');
      await expect(display.getByTestId('customer-other')).toHaveText('¥224.50');
      await expect(board).toContainText(cardCode(till.baby[0]!));
      await keepShot(display, 'counter - customer-before-confirm');
      await page.keyboard.press('Enter');
      await expect(board).toHaveAttribute('data-phase', 'done');
      await expect(board).toContainText('核销成功');
      await keepShot(display, 'counter - customer-done');
      await display.close();
    } finally {
      await stopTillHost(host);
    }
  });
});
