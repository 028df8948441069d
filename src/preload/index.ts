import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNEL, type CaretillBridge } from '../shared/api/ipc';
import { METHOD_NAMES } from '../shared/api/methodNames';

/**
 * Exposes exactly the PosApi methods as window.caretill, each a fixed call on one channel.
 * No raw ipcRenderer, no generic send: a compromised page can only call what the contract
 * allows, and main validates the sender and every argument again.
 */
const bridge = Object.fromEntries(
  METHOD_NAMES.map((name) => [name, (args: unknown, session?: string) => ipcRenderer.invoke(IPC_CHANNEL, name, args, session)]),
) as unknown as CaretillBridge;

contextBridge.exposeInMainWorld('caretill', bridge);
