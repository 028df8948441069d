import type { MethodName } from './contract';

/** The one IPC channel PosApi uses between preload and main. */
export const IPC_CHANNEL = 'caretill:invoke';

/**
 * What the preload puts on window.caretill: one function per contract method, nothing else.
 * Raw and untrusted on purpose: the renderer validates every reply with createPosApi.
 */
export type CaretillBridge = {
  readonly [M in MethodName]: (args: unknown, session?: string) => Promise<unknown>;
};
