/**
 * Issue 13, item 4: the verdict for a damaged QR tells the cashier to type the holder code printed
 * on the card, and typing it finds the voucher through the program; the card, the hint, the
 * verdict and the receipt all name the same code. At 1366×768, like the counter.
 */
import fs from 'node:fs';
import path from 'node:path';
import { demoProgramDir } from '../../src/demo/demoDir';
import { runCli } from '../../src/server/cli/main';
import { holderCode } from '../../src/shared/voucher/token';
import { cameraOff, cardCode, keepShot } from './counterSteps';
import { completeSetup, expect, startTillHost, stopTillHost, test } from './fixtures';

test.use({ viewport: { width: 1366, height: 768 } });

/** The demo's ¥200 balance voucher: its token (the QR) and the holder code printed beside it. */
function demoBalanceCard(dataDir: string): { token: string; holderCode: string } {
  const line = fs
    .readFileSync(path.join(demoProgramDir(dataDir), 'demo-vouchers.csv'), 'utf8')
    .split('\n')
    .find((l) => l.includes(',balance,') && !l.includes('演示拒收'))!;
  const token = line.split(',').pop()!.trim();
  return { token, holderCode: cardCode(token) };
}

test('4 · a torn QR: the hint names the holder code, and typing it finds the voucher online and pays', async ({ page }) => {
  const host = await startTillHost(undefined, []); // the embedded demo program
  try {
    await page.goto(host.openUrl);
    await completeSetup(page, '演示母婴店');
    await expect(page.getByTestId('status-connection')).toContainText('在线');
    await cameraOff(page);
    const card = demoBalanceCard(host.dataDir);
    await page.getByTestId('quick-儿童理发').click();

    // The QR reads torn: the verdict says what to type, in the words printed on the card.
    const field = page.getByTestId('manual-code');
    await field.fill(card.token.slice(0, 90));
    await field.press('Enter');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'malformed');
    await expect(page.getByTestId('verdict')).toContainText('持券码');

    // A code that is on no card: said so, and nothing enters the sale.
    await field.fill('ZZZZ-ZZZZ');
    await field.press('Enter');
    await expect(page.getByTestId('notice')).toContainText('没有找到持券码 ZZZZ-ZZZZ');

    // The holder code as printed (typed in lower case without the hyphen, as a hurried cashier would).
    await field.fill(card.holderCode.replace('-', '').toLowerCase());
    await field.press('Enter');
    const verdict = page.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-code', 'valid');
    await expect(verdict).toContainText(`持券码 ${card.holderCode}`);
    await keepShot(page, 'holder-code-found');
    // Enter confirms from the field, as after a scan.
    await field.press('Enter');
    await expect(page.getByTestId('success')).toContainText(card.holderCode);
    const summary = page.getByTestId('receipt').getByTestId('sale-upload');
    await expect(summary).toContainText('联网核销');
    await expect(page.getByTestId('receipt-preview')).toContainText(`持券码 ${card.holderCode}`);
    await expect(summary).toHaveAttribute('data-upload', 'accepted');
  } finally {
    await stopTillHost(host);
    fs.rmSync(host.dataDir, { recursive: true, force: true });
  }
});

test('4 · a family’s several vouchers under one holder code are offered to choose from; the one chosen pays', async ({ page }) => {
  const host = await startTillHost(undefined, []);
  try {
    await page.goto(host.openUrl);
    await completeSetup(page, '演示母婴店');
    await expect(page.getByTestId('status-connection')).toContainText('在线');
    // The operator issues a family two ￥200 child vouchers on one card (one holder code).
    const home = demoProgramDir(host.dataDir);
    const tags = path.join(home, 'family-tags.txt');
    fs.writeFileSync(tags, 'a1b2c3d4e5\na1b2c3d4e5\n');
    await runCli(
      [
        'vouchers',
        'issue',
        '--campaign',
        '2',
        '--count',
        '2',
        '--value-yuan',
        '200',
        '--holder-tags',
        tags,
        '--out',
        path.join(home, 'family.csv'),
        '--home',
        home,
      ],
      () => undefined,
    );
    await cameraOff(page);
    await page.getByTestId('quick-儿童理发').click();
    const field = page.getByTestId('manual-code');
    await field.fill(holderCode('a1b2c3d4e5'));
    await field.press('Enter');
    const pick = page.getByTestId('holder-pick');
    await expect(pick).toContainText(`持券码 ${holderCode('a1b2c3d4e5')} 下有 2 张券`);
    await keepShot(page, 'holder-code-pick');
    await pick.getByTestId('holder-pick-use').first().click();
    await expect(pick).toBeHidden();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
    await expect(page.getByTestId('voucher-list').locator('li')).toHaveCount(1);
    await keepShot(page, 'holder-code-picked');
  } finally {
    await stopTillHost(host);
    fs.rmSync(host.dataDir, { recursive: true, force: true });
  }
});
