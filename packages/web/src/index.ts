/** native-pty-web as a library: start the web terminal from your own program. */
export { startWebTerminal, DEFAULT_PORT, type WebTerminal, type WebTerminalOptions } from './server.js';
export { SessionHub } from './session-hub.js';
export type { ClientMessage, ServerMessage, SessionSummary } from './protocol.js';
