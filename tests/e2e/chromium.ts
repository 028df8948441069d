import fs from 'node:fs';

/** System Chromium: CHROMIUM_PATH, else Debian's /usr/bin/chromium. We never download a browser. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium found (looked at ${candidates.join(', ')}). Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH. Do not run 'npx playwright install'.`,
    );
  }
  return found;
}

/** Flags for a quiet headless Chromium on a machine without internet (see DESIGN.md §7 for the camera ones). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
