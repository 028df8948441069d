import fs from 'node:fs';
import { demoProgramDir } from '../../src/demo/demoDir';
import path from 'node:path';
import { runCli } from '../../src/server/cli/main';
import { createServices } from '../../src/core/services';
import { DeviceKey } from '../../src/core/sync/deviceKey';
import { signIn } from './counterSteps';
import { completeSetup, expect, startTillHost, stopTillHost, test } from './fixtures';
import { prepareTill } from './tillSetup';

test('demo walk-through: redeem, upload, accepted, then the program approves and pays and the owner sees “paid”', async ({ page }) => {
  const host = await startTillHost(undefined, []);
  const home = demoProgramDir(host.dataDir);
  try {
    await page.goto(host.openUrl);
    await completeSetup(page, '演示母婴店');
    await expect(page.getByTestId('status-connection')).toContainText('在线');
    await page.getByTestId('camera-toggle').click();
    await page.getByTestId('quick-儿童理发').click();
    const csv = fs.readFileSync(path.join(home, 'demo-vouchers.csv'), 'utf8');
    const token = csv
      .split('\n')
      .find((l) => l.includes(',balance,'))!
      .split(',')
      .pop()!
      .trim();
    await page.getByTestId('manual-code').fill(token);
    await page.getByTestId('manual-code').press('Enter');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
    await page.getByTestId('confirm').click();
    await expect(page.getByTestId('receipt')).toBeVisible();
    await expect(page.getByTestId('receipt')).toContainText('#1');

    // Day close from today's sales uploads everything.
    await page.getByTestId('tab-history').click();
    await page.getByTestId('close-day').click();
    await expect(page.getByTestId('close-day-result')).toHaveText('今日流水已全部上传。');

    await page.getByTestId('tab-settlement').click();
    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('settle-accepted')).toContainText('¥20.00');
    await expect(page.getByTestId('settle-pending')).toContainText('¥0.00');

    // The program operator settles with the CLI, against the same demo program.
    const out: string[] = [];
    await runCli(['statements', 'create', '--home', home], (s) => out.push(s));
    const id = /^(ST-\S+)/m.exec(out.join('\n'))![1]!;
    await runCli(['statements', 'approve', id, '--home', home], (s) => out.push(s));
    await runCli(['statements', 'pay', id, '--reference', 'BANK-0001', '--home', home], (s) => out.push(s));

    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('settle-paid')).toContainText('¥20.00');
    await expect(page.getByTestId('statements')).toContainText('BANK-0001');
    await expect(page.getByTestId('statements')).toContainText('已支付');
  } finally {
    await stopTillHost(host);
  }
});

test('a batch the program keeps refusing is shown to the owner with the records, the reason and what to do', async ({ page }) => {
  const till = await prepareTill();
  // Enrolled with a program that no longer answers, and the outbox as it is after four failed uploads
  // of the first record (the upload loop counts them).
  const s = createServices({ dataDir: till.dataDir, host: 'direct', appVersion: 'e2e' }, { backgroundJobs: false });
  new DeviceKey(till.dataDir).ensure();
  s.settings.set('sync.serverUrl', 'http://127.0.0.1:9');
  s.db
    .prepare('INSERT INTO outbox_batches (batch_id, from_seq, to_seq, created_at, attempts, last_error) VALUES (?, 1, 1, ?, 4, ?)')
    .run('b-stuck', new Date().toISOString(), 'http_503');
  s.close();
  const host = await startTillHost(till.dataDir);
  try {
    await signIn(page, host.openUrl, '王店主');
    await page.getByTestId('tab-settlement').click();
    const stuck = page.getByTestId('stuck-batch');
    await expect(stuck).toContainText(/第 1–1 条流水已上传 \d+ 次仍未成功（\w+）/);
    await expect(stuck).toContainText('不要删除任何数据');
  } finally {
    await stopTillHost(host);
    till.cleanup();
  }
});
