/**
 * The vt-pipe wire format (FORWARDER.md): every message is [type: u8][length: u32 BE][payload],
 * payload at most 1 MiB, in both directions.
 */

export const enum FrameType {
  Hello = 0x01,
  Attach = 0x02,
  Output = 0x03,
  Input = 0x04,
  Resize = 0x05,
  Signal = 0x06,
  Exit = 0x07,
  Ping = 0x08,
  Pong = 0x09,
  Error = 0x0a,
}

export const HEADER_BYTES = 5;
export const MAX_PAYLOAD = 1024 * 1024;

export interface Frame {
  type: number;
  payload: Buffer;
}

/** What HELLO says: the session as it is when the client connects. */
export interface Hello {
  protocol: number;
  sessionId: string;
  pid: number;
  cols: number;
  rows: number;
  /** The oldest output byte still retained. */
  startOffset: number;
  /** Output bytes since the session started. */
  endOffset: number;
  status: 'starting' | 'running' | 'exited';
  exitCode: number | null;
  signal: number | null;
}

export function encodeFrame(type: FrameType, payload: Uint8Array | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (body.length > MAX_PAYLOAD) throw new RangeError(`a frame's payload is at most ${MAX_PAYLOAD} bytes`);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame[0] = type;
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, HEADER_BYTES);
  return frame;
}

export function resizePayload(cols: number, rows: number): Buffer {
  const payload = Buffer.allocUnsafe(4);
  payload.writeUInt16BE(cols, 0);
  payload.writeUInt16BE(rows, 2);
  return payload;
}

/** Splits a byte stream into frames; a frame over the cap is an error as soon as its header is read. */
export class FrameDecoder {
  #chunks: Buffer[] = [];
  #buffered = 0;

  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.#buffered < HEADER_BYTES) break;
      const head = this.#peek(HEADER_BYTES);
      const length = head.readUInt32BE(1);
      if (length > MAX_PAYLOAD) throw new Error(`vt-pipe sent a frame of ${length} bytes, over the 1 MiB cap`);
      if (this.#buffered < HEADER_BYTES + length) break;
      const whole = this.#take(HEADER_BYTES + length);
      frames.push({ type: whole[0]!, payload: whole.subarray(HEADER_BYTES) });
    }
    return frames;
  }

  /** Bytes of an unfinished frame. */
  get pending(): number {
    return this.#buffered;
  }

  #peek(n: number): Buffer {
    if (this.#chunks[0]!.length < n) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0]!.subarray(0, n);
  }

  #take(n: number): Buffer {
    if (this.#chunks[0]!.length < n) this.#chunks = [Buffer.concat(this.#chunks)];
    const first = this.#chunks[0]!;
    const out = first.subarray(0, n);
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#buffered -= n;
    return out;
  }
}
