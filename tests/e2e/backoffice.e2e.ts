import fs from 'node:fs';
import * as XLSX from '@e965/xlsx';
import { decodeEscpos } from '../helpers/escposDecoder';
import { FakePrinter } from '../helpers/fakePrinter';
import { expect, startTillHost, stopTillHost, test } from './fixtures';
import { cameraOff, FORMULA, keepShot, signIn } from './counterSteps';
import { prepareTill } from './tillSetup';

test.use({ viewport: { width: 1366, height: 768 } });

test('the owner sells, closes the day, sees and prints the Z-report, exports the month and opens the dashboard with its chart', async ({
  page,
}) => {
  const printer = new FakePrinter();
  await printer.start();
  const prepared = await prepareTill();
  const host = await startTillHost(prepared.dataDir);
  try {
    await signIn(page, host.openUrl, '王店主');
    await cameraOff(page);
    // A sale: formula (¥268) with a ¥50 voucher, the rest in cash; typed into the code field (the
    // scanner's timing is the counter tests' subject, not this one's).
    for (const code of [FORMULA, prepared.baby[0]!]) {
      await page.getByTestId('manual-code').fill(code);
      await page.getByTestId('manual-code').press('Enter');
    }
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
    await page.getByTestId('confirm').click();
    await expect(page.getByTestId('receipt')).toBeVisible();
    // A printer for the Z-report.
    await page.getByTestId('tab-manage').click();
    await page.getByTestId('printer-kind').selectOption('network');
    await page.getByTestId('printer-uri').fill(printer.uri);
    await page.getByTestId('printer-save').click();

    // Day close: no sale needed to close; the float and the counted cash are the owner's.
    await page.getByTestId('tab-dayClose').click();
    await page.getByTestId('float').fill('200');
    await page.getByTestId('open-shift').click();
    await expect(page.getByTestId('expected-cash')).toContainText('418.00'); // ¥200 float + ¥218 cash
    await page.getByTestId('counted').fill('417.50');
    await page.getByTestId('close-shift').click();
    // The receipt may still be waiting for the printer: the close says so, the owner goes ahead.
    if (
      await page
        .getByTestId('close-pending')
        .isVisible()
        .catch(() => false)
    )
      await page.getByTestId('close-anyway').click();
    const z = page.getByTestId('zreport');
    await expect(z).toContainText('Z 报表 第 1 号');
    await expect(z).toContainText('交易 1 笔');
    await keepShot(page, 'backoffice-zreport');
    await expect(page.getByTestId('z-difference')).toContainText('-');
    // The close prints the Z-report by itself; printing it again says 补打 (reprint).
    const zPrints = () => printer.jobs.map((j) => decodeEscpos(j).lines.join('\n')).filter((t) => t.includes('Z 报表 第 1 号'));
    await expect.poll(() => zPrints().length).toBe(1);
    expect(zPrints()[0]).toContain('差额');
    expect(zPrints()[0]).not.toContain('补打');
    await page.getByTestId('z-print').click();
    await expect.poll(() => zPrints().filter((t) => t.includes('补打')).length).toBe(1);

    // Reports: export the month to XLSX and read it back.
    await page.getByTestId('tab-reports').click();
    await page.getByTestId('report-group').selectOption('category');
    await page.getByTestId('report-run').click();
    await expect(page.getByTestId('report-table')).toContainText('合计');
    const download = page.waitForEvent('download');
    await page.getByTestId('export-xlsx').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^爱心母婴店-按类别-\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.xlsx$/);
    const book = XLSX.read(fs.readFileSync((await file.path())!));
    expect(XLSX.utils.sheet_to_json<Record<string, unknown>>(book.Sheets[book.SheetNames[0]!]!).at(-1)?.['按类别']).toBe('合计');

    // The dashboard draws its chart (loaded only on this screen).
    await page.getByTestId('tab-dashboard').click();
    await expect(page.getByTestId('hour-chart').locator('svg').first()).toBeVisible();
    await expect(page.getByTestId('dash-customers')).toBeVisible();
    await keepShot(page, 'backoffice-dashboard');

    // A backup now, verified.
    await page.getByTestId('tab-manage').click();
    await page.getByTestId('backup-now').click();
    await expect(page.getByTestId('backup-last')).toContainText('已校验');
  } finally {
    await stopTillHost(host);
    await printer.stop();
    prepared.cleanup();
  }
});
