/** Short success and error tones made with Web Audio: no sound files to ship, works offline. */
let ctx: AudioContext | null = null;

function tone(freq: number, ms: number, at: number, gain = 0.15): void {
  if (!ctx) return;
  const osc = ctx.createOscillator();
  const g = ctx.createGain();
  osc.frequency.value = freq;
  osc.type = 'square';
  g.gain.value = gain;
  osc.connect(g).connect(ctx.destination);
  osc.start(ctx.currentTime + at);
  osc.stop(ctx.currentTime + at + ms / 1000);
}

function ready(): boolean {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
    return true;
  } catch {
    return false;
  }
}

export function beepOk(): void {
  if (ready()) tone(1320, 90, 0);
}

export function beepError(): void {
  if (!ready()) return;
  tone(220, 180, 0);
  tone(180, 220, 0.22);
}

/** A redemption went through: two rising tones, distinct from a scan's beep, heard across the counter. */
export function chimeSuccess(): void {
  if (!ready()) return;
  tone(988, 120, 0, 0.12);
  tone(1319, 220, 0.13, 0.12);
}
