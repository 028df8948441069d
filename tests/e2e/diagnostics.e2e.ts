import fs from 'node:fs';
import { expect, startTillHost, stopTillHost, test } from './fixtures';

test('the diagnostics screen opens in Chinese with real values', async ({ page, till }) => {
  await page.goto(till.openUrl);
  await expect(page.getByRole('heading', { name: '欢迎使用关爱收银台' })).toBeVisible();
  await page.getByTestId('tab-diagnostics').click();
  await expect(page.getByRole('heading', { name: '系统信息' })).toBeVisible();
  await expect(page.getByTestId('diag-dataDir')).toHaveText(till.dataDir);
  await expect(page.getByTestId('diag-schemaVersion')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('diag-host')).toHaveText('浏览器模式（本机 Node 服务）');
  await expect(page.getByTestId('status-connection')).toContainText('未注册到项目');
  await expect(page.getByTestId('status-pending')).toContainText('0 条');
  // the token left the address bar once read
  expect(page.url()).not.toContain('token=');
  // The log the owner sends to support: the start-up line is there, and it saves to a file.
  await expect(page.getByTestId('log-lines')).toContainText('till started');
  const download = page.waitForEvent('download');
  await page.getByTestId('save-log').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^caretill-log-\d{4}-\d{2}-\d{2}\.txt$/);
  const saved = fs.readFileSync((await file.path())!, 'utf8');
  expect(saved).toContain('"msg":"till started"');
  expect(saved).not.toMatch(/token=|"pin"/);
});

test('English can be chosen and stays chosen after a reload', async ({ page, till }) => {
  await page.goto(till.openUrl);
  await page.getByTestId('lang-en').click();
  await expect(page.getByRole('heading', { name: 'Welcome to CareTill' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Welcome to CareTill' })).toBeVisible();
  await expect(page.getByTestId('status-printer')).toContainText('Printer: Not set up');
});

test('without the launch token the page says what to do, in both languages', async ({ page, till }) => {
  await page.goto(till.url);
  const fatal = page.getByTestId('fatal');
  await expect(fatal).toContainText('访问口令无效');
  await expect(fatal).toContainText('access token is not valid');
});

test('a second host on the same data directory refuses to start with a clear message', async ({ page, till }) => {
  await page.goto(till.openUrl);
  await expect(page.getByRole('heading', { name: '欢迎使用关爱收银台' })).toBeVisible();
  const error = await startTillHost(till.dataDir).then(
    async (h) => {
      await stopTillHost(h);
      return 'started';
    },
    (e: unknown) => String(e),
  );
  expect(error).toContain('数据文件正被另一个关爱收银台使用');
  expect(error).toContain('in use by another CareTill');
});
