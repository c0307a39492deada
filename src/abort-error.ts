/**
 * The rejection of an operation whose AbortSignal fired (runCommand, runShell, waitFor), shaped
 * like child_process's: name 'AbortError', code 'ABORT_ERR', the signal's reason as cause.
 */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}
