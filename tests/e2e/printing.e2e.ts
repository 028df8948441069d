import type { Page } from '@playwright/test';
import { createServices } from '../../src/core/services';
import { decodeEscpos, normalizeLines } from '../helpers/escposDecoder';
import { FakePrinter } from '../helpers/fakePrinter';
import { expect, startTillHost, stopTillHost, test } from './fixtures';
import { prepareTill, type PreparedTill } from './tillSetup';

async function sellFormulaAndBeer(page: Page, url: string, voucher: string) {
  await page.goto(url);
  await page.getByTestId('user-李收银').click();
  await page.keyboard.type('5678');
  await page.keyboard.press('Enter');
  await page.getByTestId('camera-toggle').click();
  for (const code of ['6902754001019', '6902754099023', voucher]) {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.type(code, { delay: 5 });
    await page.keyboard.press('Enter');
  }
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('receipt')).toBeVisible();
}

test.describe('receipts', () => {
  let till: PreparedTill;
  let printer: FakePrinter;
  test.beforeEach(async () => {
    till = await prepareTill();
    printer = new FakePrinter();
    await printer.start();
    const s = createServices({ dataDir: till.dataDir, host: 'direct', appVersion: 'e2e' });
    await s.printing.saveConfig({
      kind: 'network',
      uri: printer.uri,
      width: 58,
      qr: 'native',
      drawer: false,
      copies: { beneficiary: true, shop: false },
      timeoutMs: 1500,
      confirm: true,
    });
    s.close();
  });
  test.afterEach(async () => {
    await printer.stop();
    till.cleanup();
  });

  test('a sale prints a Chinese receipt and the preview on screen shows the same lines', async ({ page }) => {
    const host = await startTillHost(till.dataDir);
    try {
      await sellFormulaAndBeer(page, host.openUrl, till.baby[0]!);
      await expect(page.getByTestId('print-status')).toContainText('小票已打印');
      expect(printer.jobs).toHaveLength(1);
      const decoded = decodeEscpos(printer.jobs[0]!);
      const text = decoded.lines.join('\n');
      expect(text).toContain('爱心母婴店');
      expect(text).toContain('￥274.50'); // total
      expect(text).toContain('￥50.00'); // vouchers pay
      expect(text).toContain('￥224.50'); // customer pays
      const onScreen = await page.getByTestId('preview-line').allTextContents();
      expect(normalizeLines(onScreen)).toEqual(normalizeLines(decoded.lines));
      await expect(page.getByTestId('receipt-qr')).toHaveAttribute('alt', decoded.qr[0]!);
    } finally {
      await stopTillHost(host);
    }
  });

  test('with the printer off the sale completes, the cashier sees why, and the receipt prints when it is back', async ({ page }) => {
    const port = printer.port;
    await printer.stop();
    const host = await startTillHost(till.dataDir);
    try {
      await sellFormulaAndBeer(page, host.openUrl, till.baby[1]!);
      await expect(page.getByTestId('receipt-voucher-paid')).toHaveText('¥50.00');
      await expect(page.getByTestId('print-status')).toContainText('打印机连不上');
      await expect(page.getByTestId('status-printer')).toContainText('1 张小票待打印');
      await printer.start(port);
      await page.getByTestId('status-retry-print').click();
      await expect(page.getByTestId('print-status')).toContainText('小票已打印', { timeout: 10_000 });
      expect(printer.jobs).toHaveLength(1);
      expect(decodeEscpos(printer.jobs[0]!).lines.join('\n')).toContain('￥224.50');
    } finally {
      await stopTillHost(host);
    }
  });
});
