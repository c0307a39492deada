/**
 * The observers of one session's output (NativePty.observe()): each sees every chunk as text,
 * in order, then the end. One that throws is reported on its own (rethrown on a later turn)
 * and never keeps the others, the 'data' listeners or the exit from their due.
 */
import { StringDecoder } from 'node:string_decoder';
import { rethrowLater } from './rethrow-later.js';
import type { IDisposable, OutputObserver } from './types.js';
import { validateFunction, validateObject } from './validate.js';

export class OutputObservers {
  readonly #observers = new Set<OutputObserver>();
  /** For a session that emits Buffers: observers read UTF-8 text from a decoder of their own. */
  #decoder: StringDecoder | null = null;
  #ended = false;

  /** `bytes`: the session emits Buffers, so bytes() will be called instead of text(). */
  add(observer: OutputObserver, bytes: boolean): IDisposable {
    validateObject(observer, 'observer');
    validateFunction(observer.text, 'observer.text');
    validateFunction(observer.end, 'observer.end');
    if (this.#ended) {
      observer.end();
      return { dispose: () => {} };
    }
    if (bytes) this.#decoder ??= new StringDecoder('utf8');
    this.#observers.add(observer);
    return { dispose: () => void this.#observers.delete(observer) };
  }

  /** Output of a session that emits Buffers. */
  bytes(data: Buffer): void {
    if (this.#decoder !== null) this.text(this.#decoder.write(data));
  }

  text(chunk: string): void {
    if (chunk.length === 0) return;
    for (const observer of this.#observers) {
      try {
        observer.text(chunk);
      } catch (err) {
        rethrowLater(err);
      }
    }
  }

  /** The exit: the last text (a character left incomplete flushes as U+FFFD), then end(). */
  end(): void {
    this.#ended = true;
    if (this.#decoder !== null) this.text(this.#decoder.end());
    for (const observer of this.#observers) {
      try {
        observer.end();
      } catch (err) {
        rethrowLater(err);
      }
    }
    this.#observers.clear();
  }
}
