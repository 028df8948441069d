/**
 * Issue 11 at the counter and in the back office, with the embedded demo program: its baby campaign
 * pays by the program's approved product list, which leaves out 婴儿学步鞋. The cashier sells
 * listed diapers with a baby voucher and sees the shoes marked not eligible; the owner proposes the
 * child's haircut, the operator approves it with the program CLI, and the till shows it approved.
 */
import fs from 'node:fs';
import path from 'node:path';
import { demoProgramDir } from '../../src/demo/demoDir';
import { runCli } from '../../src/server/cli/main';
import { cameraOff, keepShot } from './counterSteps';
import { completeSetup, expect, startTillHost, stopTillHost, test } from './fixtures';

test.use({ viewport: { width: 1366, height: 768 } });

const DIAPERS = '6902754002016'; // 帮宝适 M 58片, ¥89.90: on the demo list as diapers
const WALKERS = '6902754003020'; // 婴儿学步鞋 ¥79.00: the shop says baby clothing; the program does not list it

function demoBabyVoucher(dataDir: string): string {
  const line = fs
    .readFileSync(path.join(demoProgramDir(dataDir), 'demo-vouchers.csv'), 'utf8')
    .split('\n')
    .find((l) => l.includes(',fixed,') && !l.includes('演示拒收'))!;
  return line.split(',').pop()!.trim();
}

test('the program’s list decides: a listed item is paid, an unlisted one is not; a proposed haircut is approved with the CLI', async ({
  page,
}) => {
  const host = await startTillHost(undefined, []);
  try {
    await page.goto(host.openUrl);
    await completeSetup(page, '演示母婴店');
    await expect(page.getByTestId('status-connection')).toContainText('在线');
    // A sync brings the program's lists (the periodic one would too).
    await page.getByTestId('tab-settlement').click();
    await page.getByTestId('sync-now').click();
    await page.getByTestId('tab-checkout').click();
    await cameraOff(page);

    const field = page.getByTestId('manual-code');
    for (const code of [DIAPERS, WALKERS, demoBabyVoucher(host.dataDir)]) {
      await field.fill(code);
      await field.press('Enter');
    }
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
    const lines = page.getByTestId('basket-line');
    await expect(lines.filter({ hasText: '帮宝适' })).toHaveAttribute('data-status', 'eligible');
    const shoes = lines.filter({ hasText: '婴儿学步鞋' });
    await expect(shoes).toHaveAttribute('data-status', 'not_eligible');
    await expect(shoes).toContainText('不在项目方核准的商品目录里');
    await keepShot(page, 'apl-basket');
    await page.getByTestId('confirm').click();
    await expect(page.getByTestId('success')).toBeVisible();
    await page.getByTestId('new-sale').click();

    // The owner's Products screen: what the program says of each item; the haircut proposed.
    await page.getByTestId('tab-products').click();
    await expect(page.getByTestId('program-lists')).toContainText('项目方商品目录：第 1 版');
    await page.getByTestId('products-search').fill('学步鞋');
    await expect(page.getByTestId('products-table')).toContainText('未列入');
    await page.getByTestId('products-search').fill('帮宝适');
    await expect(page.getByTestId('products-table')).toContainText('已认可');
    await expect(page.getByTestId('products-table')).toContainText('项目方商品目录');
    await page.getByTestId('products-search').fill('儿童理发');
    const row = page.getByTestId('products-table').locator('tbody tr').first();
    await row.getByRole('button', { name: '申请认可' }).click();
    await page.getByTestId('propose-category').selectOption('haircut');
    await page.getByTestId('propose-note').fill('儿童理发，每次 20 元');
    await keepShot(page, 'apl-propose');
    await page.getByTestId('propose-send').click();
    await expect(row).toContainText('审核中');

    // It reaches the program with the next sync; the operator approves it with the CLI.
    await page.getByTestId('tab-settlement').click();
    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('sync-now')).toBeEnabled();
    const home = demoProgramDir(host.dataDir);
    const out: string[] = [];
    await runCli(['proposals', 'list', '--status', 'pending', '--home', home], (s) => out.push(s));
    const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(out.join('\n'))?.[0];
    expect(id, out.join('\n')).toBeTruthy();
    await runCli(['proposals', 'approve', id!, '--home', home], () => undefined);
    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('sync-now')).toBeEnabled();
    await page.getByTestId('tab-products').click();
    await page.getByTestId('products-search').fill('儿童理发');
    await expect(page.getByTestId('products-table').locator('tbody tr').first()).toContainText('已认可');
    await expect(page.getByTestId('products-table').locator('tbody tr').first()).toContainText('本店申请已认可');
    await keepShot(page, 'apl-products');
  } finally {
    await stopTillHost(host);
    fs.rmSync(host.dataDir, { recursive: true, force: true });
  }
});
