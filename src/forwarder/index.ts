/**
 * native-pty/forwarder: the client side of vt-pipe. Pure TypeScript over a Unix socket; it
 * never loads the addon.
 */
export { ForwardedSession, type AttachOptions } from './forwarded-session.js';
export { defaultControlDir, listSessions, readSession, socketAlive, vtPipePath } from './sessions.js';
export type { SessionListing, SessionRecord } from './sessions.js';
export { startSession, type StartedSession, type StartOptions } from './start.js';
export { FrameDecoder, FrameType, encodeFrame, MAX_PAYLOAD, type Frame, type Hello } from './protocol.js';
