import { _electron, expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { prepareTill, type PreparedTill } from './tillSetup';

/**
 * The desktop app itself: Electron launches the built app (out/main), the page comes over app://,
 * a cashier signs in and sells with a voucher token typed by a scanner. Runs wherever Electron's
 * binary is installed and better-sqlite3 is built for it; anywhere else (our build machines, where
 * the binary cannot be downloaded) it is skipped with a notice saying what is missing. It never
 * requires the `electron` package, which would try to download the binary.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const FORMULA = '6902754001019'; // ¥268.00, infant formula: eligible

function electronBinary(): string | null {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const full = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(full) ? full : null;
}

/** Why the smoke test cannot run here, or null when it can. */
function missing(binary: string | null): string | null {
  if (!binary) {
    return 'the Electron binary is not installed (node_modules/electron/dist). Where the internet is reachable: `npx install-electron`, then `npx @electron/rebuild -f -w better-sqlite3`.';
  }
  // The addon is built for Node by default (the unit tests need that); Electron needs its own build.
  const probe = spawnSync(binary, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    return `better-sqlite3 is not built for Electron's ABI: run \`npx @electron/rebuild -f -w better-sqlite3\` (and \`npm rebuild better-sqlite3\` before the unit tests again). ${(probe.stderr ?? '').split('\n').find((l) => /NODE_MODULE_VERSION|Error/.test(l)) ?? ''}`;
  }
  return null;
}

const binary = electronBinary();
const reason = missing(binary);
if (reason) process.stderr.write(`\n⚠ Electron smoke test skipped: ${reason}\n\n`);

async function wedge(page: Page, code: string) {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press('Enter');
}

test.describe('the desktop app (Electron)', () => {
  test.skip(reason !== null, `Electron smoke test skipped: ${reason ?? ''}`);
  let till: PreparedTill;
  test.beforeEach(async () => {
    till = await prepareTill();
  });
  test.afterEach(() => till.cleanup());

  test('launches over app://, a cashier signs in and sells with a typed voucher token', async () => {
    if (!fs.existsSync(path.join(root, 'out', 'main', 'index.js'))) throw new Error('out/main is missing: run `npm run build` first.');
    const env = { ...process.env } as Record<string, string>;
    delete env.ELECTRON_RENDERER_URL;
    delete env.ELECTRON_RUN_AS_NODE;
    const app = await _electron.launch({ executablePath: binary!, args: [root, '--no-demo', `--data-dir=${till.dataDir}`], env });
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveURL(/^app:\/\/caretill\//);
      // The page has the contract's methods and nothing of Node or Electron.
      const globals = await page.evaluate(() => {
        const w = window as { require?: unknown; caretill?: Record<string, unknown> };
        return [typeof w.require, typeof w.caretill?.getDiagnostics];
      });
      expect(globals).toEqual(['undefined', 'function']);
      expect(await app.evaluate(({ app: a }) => a.isPackaged)).toBe(false);

      await page.getByTestId('user-李收银').click();
      await page.keyboard.type('5678');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('basket-empty')).toBeVisible();
      await page.getByTestId('camera-toggle').click(); // the wedge alone
      await wedge(page, FORMULA);
      await wedge(page, till.baby[0]!);
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'valid');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('receipt')).toBeVisible();
      await expect(page.getByTestId('receipt-voucher-paid')).toHaveText('¥50.00');
      await page.screenshot({ path: path.join(root, 'test-results', 'screens', 'electron-smoke.png') });
    } finally {
      await app.close();
    }
  });
});
