import { contextBridge, ipcRenderer } from 'electron';
import { posApiContract, type MethodName } from '../shared/api/contract';
import { IPC_CHANNEL, type CaretillBridge } from '../shared/api/ipc';

/**
 * Exposes exactly the PosApi methods as window.caretill, each a fixed call on one channel.
 * No raw ipcRenderer, no generic send: a compromised page can only call what the contract
 * allows, and main validates the sender and every argument again. The names come from the
 * contract itself (bundled into this one sandboxed file), so a new method needs no edit here.
 */
const names = Object.keys(posApiContract) as MethodName[];
const bridge = Object.fromEntries(
  names.map((name) => [name, (args: unknown, session?: string) => ipcRenderer.invoke(IPC_CHANNEL, name, args, session)]),
) as unknown as CaretillBridge;

contextBridge.exposeInMainWorld('caretill', bridge);
