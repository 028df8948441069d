import { z } from 'zod';
import { noArgs, type DomainContract } from './spec';

/**
 * The shop's desktop: starting with Windows and the full-screen till mode. The settings live in
 * core like every other; the desktop app (src/main) applies them. In a browser they are kept but
 * do nothing, and `desktop: false` lets the screen say so.
 */
export const desktopStateSchema = z.object({
  /** This till runs as the installed desktop app. */
  desktop: z.boolean(),
  /** Starting with the system can be switched here (the installed app on Windows). */
  canStartWithWindows: z.boolean(),
  startWithWindows: z.boolean(),
  /** The owner's setting: the till opens full screen and stays there. */
  tillMode: z.boolean(),
  /** Full screen right now (an owner may have left it for a while with their PIN). */
  inTillMode: z.boolean(),
});

export const desktopContract = {
  // Public: the sign-in screen shows whether the till is locked full screen.
  getDesktop: { input: noArgs, output: desktopStateSchema, access: 'public', polled: true },
  saveDesktop: {
    input: z.object({ startWithWindows: z.boolean().optional(), tillMode: z.boolean().optional() }).strict(),
    output: desktopStateSchema,
    access: 'owner',
  },
  // Whoever is signed in asks; an owner's PIN approves (the usual lockout counts wrong guesses).
  leaveTillMode: { input: z.object({ pin: z.string().max(16) }).strict(), output: desktopStateSchema, access: 'cashier' },
} as const satisfies DomainContract;

export type DesktopState = z.output<typeof desktopStateSchema>;
