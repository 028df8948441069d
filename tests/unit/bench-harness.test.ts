import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBenches, type Bench } from '../../bench/harness';
import { tempDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '../..');
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function tmp(): string {
  const t = tempDir('caretill-bench-test-');
  cleanups.push(t.cleanup);
  return t.dir;
}

const readJson = (file: string) =>
  JSON.parse(fs.readFileSync(file, 'utf8')) as { metrics: Record<string, { value: number; unit: string }> };

const normal: Bench = {
  name: 'normal',
  async run() {
    await new Promise((r) => setTimeout(r, 5));
    return [{ name: 'normal_ms', value: 1.5, unit: 'ms', target: '≤ 2' }];
  },
};

// Here vitest keeps the loop alive, so the unref'd timer fires; alone this bench would drain it.
const unrefd: Bench = {
  name: 'unrefd',
  async run() {
    await new Promise((r) => setTimeout(r, 20).unref());
    return [{ name: 'unrefd_per_s', value: 1000, unit: 'ops/s' }];
  },
};

function runChild(mode: string, outFile: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tests/fixtures/bench-child.ts'), mode, outFile], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('bench harness', () => {
  it('runs the benches, prints the table and writes { metrics: { name: { value, unit } } }, keeping earlier metrics', async () => {
    const outFile = path.join(tmp(), 'out', 'latest.json');
    fs.mkdirSync(path.dirname(outFile));
    fs.writeFileSync(outFile, JSON.stringify({ metrics: { older: { value: 7, unit: 's' }, normal_ms: { value: 99, unit: 'ms' } } }));
    let printed = '';
    const listeners = process.listenerCount('beforeExit');
    const metrics = await runBenches([unrefd, normal], { outFile, write: (t) => (printed += t) });

    expect(metrics.map((m) => m.name)).toEqual(['unrefd_per_s', 'normal_ms']);
    expect(printed).toMatch(/running unrefd…\nrunning normal…/);
    expect(printed).toMatch(/^metric\s+value\s+unit\s+target$/m);
    expect(printed).toMatch(/^unrefd_per_s\s+1000\s+ops\/s$/m);
    expect(printed).toMatch(/^normal_ms\s+1\.5\s+ms\s+≤ 2$/m);
    expect(readJson(outFile).metrics).toEqual({
      older: { value: 7, unit: 's' },
      normal_ms: { value: 1.5, unit: 'ms' },
      unrefd_per_s: { value: 1000, unit: 'ops/s' },
    });
    expect(process.listenerCount('beforeExit')).toBe(listeners);
  });

  it('runs only the named benches and refuses a name it does not know', async () => {
    const outFile = path.join(tmp(), 'latest.json');
    let printed = '';
    await runBenches([unrefd, normal], { outFile, only: ['normal'], write: (t) => (printed += t) });
    expect(printed).not.toContain('unrefd');
    expect(Object.keys(readJson(outFile).metrics)).toEqual(['normal_ms']);
    await expect(runBenches([normal], { outFile, only: ['nope'], write: () => undefined })).rejects.toThrow(/unknown bench nope/);
  });

  it('in a Node of its own: a normal group prints its table and exits 0', () => {
    const outFile = path.join(tmp(), 'latest.json');
    const r = runChild('normal', outFile);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^normal_metric\s+42\s+ms\s+≤ 50$/m);
    expect(readJson(outFile).metrics).toEqual({ normal_metric: { value: 42, unit: 'ms' } });
  });

  it('in a Node of its own: a group that lets the event loop drain ends non-zero, saying so, not silently with 0', () => {
    const outFile = path.join(tmp(), 'latest.json');
    const r = runChild('drain', outFile);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bench failed: .*event loop ran empty.* in bench drain/);
    expect(r.stdout).toContain('running drain…');
    expect(r.stdout).not.toContain('metric');
    expect(fs.existsSync(outFile)).toBe(false);
  });

  it('in a Node of its own: process.exit(0) in the middle of a bench ends non-zero', () => {
    const outFile = path.join(tmp(), 'latest.json');
    const r = runChild('exit', outFile);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bench failed: the process exited in bench exit/);
    expect(fs.existsSync(outFile)).toBe(false);
  });
});
