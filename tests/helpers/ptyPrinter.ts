import { spawn } from 'node:child_process';
import fs from 'node:fs';

/**
 * A serial receipt printer for tests: a real pseudo-terminal (a character device, like /dev/ttyUSB0)
 * whose far end records every byte to a file. Python's pty module makes it; Node has none built in.
 * The relay ends when the test process does.
 */
const RELAY = `
import os, pty, select, sys, tty
parent = os.getppid()
m, s = pty.openpty()
tty.setraw(s)
print(os.ttyname(s), flush=True)
out = open(sys.argv[1], 'ab', buffering=0)
while os.getppid() == parent:
    r, _, _ = select.select([m], [], [], 0.2)
    if r:
        out.write(os.read(m, 65536))
`;

export async function startPtyPrinter(recordTo: string): Promise<{ device: string; bytes: () => Buffer; stop: () => void }> {
  fs.writeFileSync(recordTo, '');
  const child = spawn('python3', ['-c', RELAY, recordTo], { stdio: ['ignore', 'pipe', 'inherit'] });
  const device = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`pty relay exited with ${code}`)));
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
  });
  return { device, bytes: () => fs.readFileSync(recordTo), stop: () => child.kill() };
}
