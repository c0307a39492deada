/**
 * The WebSocket protocol between the page and the server, in one place.
 *
 * Server → browser: binary frames are output bytes, contiguous from the offset the last
 * `hello` or `snapshot` named; text frames are JSON control messages (ServerMessage).
 * Browser → server: text frames of JSON (ClientMessage). A message that does not parse or
 * validate gets an `error` back and changes nothing.
 */
import type { AgentStatus } from 'native-pty/activity';

export type ClientMessage =
  | { type: 'input'; data: string }
  | { type: 'resize'; cols: number; rows: number }
  /** Every output byte before `offset` has been written to the browser's terminal. */
  | { type: 'ack'; offset: number };

export interface SessionSummary {
  id: string;
  kind: 'shell' | 'vt-pipe';
  title: string;
  command: string[];
  pid: number;
  cols: number;
  rows: number;
  /** Output is arriving now (the library's activity detector). */
  active: boolean;
  /** An AI CLI's status line, as the detector parsed it. */
  status: AgentStatus | null;
  exited: boolean;
  exitCode: number | null;
  signal: number | null;
  viewers: number;
  startedAt: string;
}

export type ServerMessage =
  /** First message: who you are watching, and from which offset the binary frames count. */
  | { type: 'hello'; session: SessionSummary; offset: number; readOnly: boolean; resumed: boolean }
  /** Reset the terminal, write `data`, and count output from `offset`. */
  | { type: 'snapshot'; data: string; offset: number; cols: number; rows: number }
  /** The session's size changed (another viewer, or the program's own terminal). */
  | { type: 'size'; cols: number; rows: number }
  | { type: 'exit'; exitCode: number | null; signal: number | null }
  | { type: 'error'; message: string };

/** Input larger than this in one message is refused (a paste is split by the page). */
export const MAX_INPUT_CHARS = 256 * 1024;
/** The WebSocket's own cap on a message (ws closes the connection past it). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Parses one text frame from a browser; returns a reason instead of throwing. */
export function parseClientMessage(text: string): ClientMessage | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'message is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'message is not an object' };
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'input':
      if (typeof m.data !== 'string') return { error: 'input.data must be a string' };
      if (m.data.length > MAX_INPUT_CHARS) return { error: `input.data is over ${MAX_INPUT_CHARS} characters` };
      return { type: 'input', data: m.data };
    case 'resize':
      if (!isInteger(m.cols, 1, 1000) || !isInteger(m.rows, 1, 1000)) return { error: 'resize.cols and resize.rows must be integers from 1 to 1000' };
      return { type: 'resize', cols: m.cols, rows: m.rows };
    case 'ack':
      if (!isInteger(m.offset, 0, Number.MAX_SAFE_INTEGER)) return { error: 'ack.offset must be a non-negative integer' };
      return { type: 'ack', offset: m.offset };
    default:
      return { error: `unknown message type ${JSON.stringify(String(m.type)).slice(0, 40)}` };
  }
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
