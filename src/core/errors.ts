/**
 * Errors a user can cause (a bad file, an impossible ratio, an unsupported layer) are `RgpError`s:
 * a stable `code` for programs, a `message` that says what is wrong and a `hint` that says what to do.
 * The extension shows them as messages and the CLI prints them and exits non-zero; anything that is not
 * an `RgpError` is a bug and keeps its stack trace.
 */
export type RgpErrorCode =
  | 'NOT_A_MODEL'
  | 'UNREADABLE_FILE'
  | 'UNWRITABLE_FILE'
  | 'BAD_MODEL'
  | 'UNSAFE_PATH'
  | 'BAD_ARGUMENT'
  | 'BAD_GRAPH'
  | 'BAD_DATASET'
  | 'UNSUPPORTED'
  | 'BUSY'
  | 'CANCELLED';

export class RgpError extends Error {
  override readonly name = 'RgpError';
  constructor(
    readonly code: RgpErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }

  /** One line for a person: the problem, then what to do about it. */
  get userMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export class CancelledError extends RgpError {
  constructor() {
    super('CANCELLED', 'The job was cancelled.');
  }
}

export function isRgpError(e: unknown): e is RgpError {
  return e instanceof Error && (e as { name?: string }).name === 'RgpError' && 'code' in e;
}

/** A plain, serialisable view of any thrown value, for crossing the worker or webview boundary. */
export interface ErrorInfo {
  code: RgpErrorCode | 'INTERNAL';
  message: string;
  hint?: string;
  stack?: string;
}

export function toErrorInfo(e: unknown): ErrorInfo {
  if (isRgpError(e)) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  const err = e instanceof Error ? e : new Error(String(e));
  return { code: 'INTERNAL', message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
}

export function fromErrorInfo(info: ErrorInfo): Error {
  if (info.code === 'CANCELLED') return new CancelledError();
  if (info.code === 'INTERNAL') {
    const e = new Error(info.message);
    if (info.stack) e.stack = info.stack;
    return e;
  }
  return new RgpError(info.code, info.message, info.hint);
}
