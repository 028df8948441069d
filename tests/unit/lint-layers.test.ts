import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Lints small snippets as if they lived at a given path, with the project's real eslint.config.js.
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../..') });

async function ruleHits(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

describe('layer rules (DESIGN.md §2)', () => {
  it('reject electron outside main and preload', async () => {
    for (const file of [
      'src/core/x.ts',
      'src/shared/x.ts',
      'src/host/x.ts',
      'src/server/x.ts',
      'src/renderer/src/x.ts',
      'tests/unit/x.ts',
    ]) {
      expect(await ruleHits(file, "import { app } from 'electron';\nexport const a = app;\n"), file).toHaveLength(1);
    }
    expect(await ruleHits('src/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await ruleHits('src/preload/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toEqual([]);
  });

  it('reject Node modules and core in the renderer', async () => {
    const renderer = 'src/renderer/src/screens/X.tsx';
    expect(await ruleHits(renderer, "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await ruleHits(renderer, "import path from 'path';\nexport const a = path;\n")).toHaveLength(1);
    expect(await ruleHits(renderer, "import Database from 'better-sqlite3';\nexport const a = Database;\n")).toHaveLength(1);
    expect(
      await ruleHits(renderer, "import { createServices } from '../../../core/services';\nexport const a = createServices;\n"),
    ).toHaveLength(1);
    expect(
      await ruleHits(renderer, "import { posApiContract } from '../../../shared/api/contract';\nexport const a = posApiContract;\n"),
    ).toEqual([]);
  });

  it('keep shared platform-free and core away from the hosts', async () => {
    expect(await ruleHits('src/shared/x.ts', "import crypto from 'node:crypto';\nexport const a = crypto;\n")).toHaveLength(1);
    expect(await ruleHits('src/shared/x.ts', "import { x } from '../core/services';\nexport const a = x;\n")).toHaveLength(1);
    expect(await ruleHits('src/core/x.ts', "import { startHost } from '../host/server';\nexport const a = startHost;\n")).toHaveLength(1);
    expect(await ruleHits('src/core/x.ts', "import crypto from 'node:crypto';\nexport const a = crypto;\n")).toEqual([]);
  });

  it('keep the program server and the till apart, both standing on the trust floor', async () => {
    const imp = (spec: string) => `import { x } from '${spec}';\nexport const a = x;\n`;
    expect(await ruleHits('src/server/sync/x.ts', imp('../../core/journal/journal'))).toHaveLength(1);
    expect(await ruleHits('src/server/sync/x.ts', imp('../../trust/chain'))).toEqual([]);
    expect(await ruleHits('src/core/sync/x.ts', imp('../../server/store/programStore'))).toHaveLength(1);
    expect(await ruleHits('src/core/sync/x.ts', imp('../../trust/ed25519'))).toEqual([]);
    expect(await ruleHits('src/trust/x.ts', imp('../core/services'))).toHaveLength(1);
    expect(await ruleHits('src/trust/x.ts', imp('../server/http/app'))).toHaveLength(1);
  });

  it('let only the hosts import the demo program', async () => {
    const imp = (spec: string) => `import { x } from '${spec}';\nexport const a = x;\n`;
    expect(await ruleHits('src/host/cli.ts', imp('../demo/demoProgram'))).toEqual([]);
    expect(await ruleHits('src/main/index.ts', imp('../demo/demoProgram'))).toEqual([]);
    expect(await ruleHits('src/core/x.ts', imp('../demo/demoProgram'))).toHaveLength(1);
    expect(await ruleHits('src/server/x.ts', imp('../demo/demoProgram'))).toHaveLength(1);
    expect(await ruleHits('src/demo/x.ts', imp('../host/server'))).toHaveLength(1);
    expect(await ruleHits('src/host/x.ts', imp('../server/http/app'))).toHaveLength(1);
  });

  it('hold main and preload to their rooms too', async () => {
    const imp = (spec: string) => `import { x } from '${spec}';\nexport const a = x;\n`;
    expect(await ruleHits('src/main/x.ts', imp('../renderer/src/App'))).toHaveLength(1);
    expect(await ruleHits('src/main/x.ts', imp('../server/http/app'))).toHaveLength(1);
    expect(await ruleHits('src/main/x.ts', imp('../core/services'))).toEqual([]);
    expect(await ruleHits('src/preload/x.ts', imp('../core/services'))).toHaveLength(1);
    expect(await ruleHits('src/preload/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await ruleHits('src/preload/x.ts', imp('../shared/api/ipc'))).toEqual([]);
  });

  it('reject UI words written straight into JSX', async () => {
    expect(await ruleHits('src/renderer/src/X.tsx', 'export const A = () => <p>确认</p>;\n')).toHaveLength(1);
    expect(await ruleHits('src/renderer/src/X.tsx', 'export const A = () => <p>Confirm</p>;\n')).toHaveLength(1);
    expect(
      await ruleHits('src/renderer/src/X.tsx', "export const A = ({ t }: { t: (k: string) => string }) => <p>{t('x')}: 1</p>;\n"),
    ).toEqual([]);
  });
});
