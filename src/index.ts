export { NativePty, spawn } from './native-pty.js';
export type {
  DeliveryMode,
  IDisposable,
  IEvent,
  IExitEvent,
  IPty,
  KillTarget,
  NativePtyOptions,
} from './types.js';
