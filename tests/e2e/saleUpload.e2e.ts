/**
 * Issue 13, bug 2: every completed sale said "离线核销，待上传" while its receipt said 联网核销 and
 * the status bar said 待上传: 0 条. The summary says what happened, online or offline, and where
 * the sale is with the program, and follows the upload as it happens. At 1366×768, like the counter.
 */
import fs from 'node:fs';
import { demoProgramDir } from '../../src/demo/demoDir';
import path from 'node:path';
import { cameraOff, cardCode, keepShot, sellFormula, signIn } from './counterSteps';
import { completeSetup, expect, startTillHost, stopTillHost, test } from './fixtures';
import { prepareTill } from './tillSetup';

test.use({ viewport: { width: 1366, height: 768 } });

/** A ¥200 balance voucher the embedded demo program issued (its CSV is in the till's data folder). */
function demoBalanceVoucher(dataDir: string): string {
  const csv = fs.readFileSync(path.join(demoProgramDir(dataDir), 'demo-vouchers.csv'), 'utf8');
  return csv
    .split('\n')
    .find((l) => l.includes(',balance,'))!
    .split(',')
    .pop()!
    .trim();
}

test('2 · an online sale says 联网核销, then that the program has it, as the receipt and the status bar do', async ({ page }) => {
  const host = await startTillHost(undefined, []); // the embedded demo program: sales go online and upload
  try {
    await page.goto(host.openUrl);
    await completeSetup(page, '演示母婴店');
    await expect(page.getByTestId('status-connection')).toContainText('在线');
    await cameraOff(page);
    const token = demoBalanceVoucher(host.dataDir);
    await page.getByTestId('quick-儿童理发').click();
    await page.getByTestId('manual-code').fill(token);
    await page.getByTestId('manual-code').press('Enter');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
    await page.getByTestId('confirm').click();

    const summary = page.getByTestId('receipt').getByTestId('sale-upload');
    await expect(summary).toContainText('联网核销');
    await expect(summary).not.toContainText('离线');
    // The upload follows the sale in the background; the summary follows the upload.
    await expect(summary).toContainText('项目方已接受');
    await expect(summary).toHaveAttribute('data-upload', 'accepted');
    await expect(page.getByTestId('status-pending')).toContainText('0 条');
    // The paper says the same, and names the voucher by the holder code on the family's card.
    const paper = page.getByTestId('receipt-preview');
    await expect(paper).toContainText('联网核销');
    await expect(paper).toContainText(`持券码 ${cardCode(token)}`);
    await keepShot(page, 'sale-online-accepted');

    // Opened again from today's sales, it says the same.
    await page.getByTestId('new-sale').click();
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-view').first().click();
    await expect(page.getByTestId('sale-detail').getByTestId('sale-upload')).toContainText('联网核销，项目方已接受');
  } finally {
    await stopTillHost(host);
    fs.rmSync(host.dataDir, { recursive: true, force: true });
  }
});

test('2 · a sale on a till with no program says 离线核销，待上传, and the receipt says offline too', async ({ page }) => {
  const till = await prepareTill(); // trusts the program's manifest, never enrolled
  const host = await startTillHost(till.dataDir);
  try {
    await signIn(page, host.openUrl);
    await cameraOff(page);
    await sellFormula(page, till.baby[0]!);
    const summary = page.getByTestId('receipt').getByTestId('sale-upload');
    await expect(summary).toContainText('离线核销，待上传');
    await expect(summary).toHaveAttribute('data-upload', 'not_enrolled');
    await expect(page.getByTestId('receipt-preview')).toContainText('离线核销');
    await expect(page.getByTestId('receipt-preview')).toContainText(`持券码 ${cardCode(till.baby[0]!)}`);
    await keepShot(page, 'sale-offline-waiting');
  } finally {
    await stopTillHost(host);
    till.cleanup();
  }
});
