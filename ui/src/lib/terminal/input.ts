// Keys and pastes on their way to one terminal viewer (issue #10). Exactly one `input` call is in
// flight at a time, so keystrokes can never overtake each other on the way to the PTY; whatever is
// typed meanwhile is joined and sent as the next call, which also makes fast typing fewer calls. A
// call carries at most 64 KiB of UTF-8 (the backend's limit), so a large paste goes as several
// calls, one after another, cut between characters.

/** The backend's limit for one `input` call, in UTF-8 bytes. */
export const INPUT_MAX_BYTES = 64 * 1024;

const encoder = new TextEncoder();
let scratch: Uint8Array | null = null;

/**
 * How many UTF-16 code units of `text` fit in `maxBytes` of UTF-8. `encodeInto` only writes whole
 * characters, so the cut never falls inside a multi-byte character or between a surrogate pair's
 * halves. At least one character is taken, so text always advances.
 */
export function utf8Prefix(text: string, maxBytes: number = INPUT_MAX_BYTES): number {
  if (text.length * 3 <= maxBytes) return text.length; // a code unit is at most 3 bytes
  if (scratch === null || scratch.length !== maxBytes) scratch = new Uint8Array(maxBytes);
  const { read } = encoder.encodeInto(text, scratch);
  if (read > 0) return read;
  const first = text.codePointAt(0) ?? 0;
  return first > 0xffff ? 2 : 1;
}

/** `text` cut into pieces of at most `maxBytes` UTF-8 bytes each, in order. */
export function utf8Chunks(text: string, maxBytes: number = INPUT_MAX_BYTES): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const n = utf8Prefix(rest, maxBytes);
    out.push(rest.slice(0, n));
    rest = rest.slice(n);
  }
  return out;
}

export type InputSend = (data: string) => Promise<void>;

export class InputQueue {
  readonly #onError: (e: unknown) => void;
  readonly #maxBytes: number;
  #send: InputSend | null = null;
  #queued = "";
  #inFlight = false;
  #disposed = false;

  constructor(onError: (e: unknown) => void = () => {}, maxBytes: number = INPUT_MAX_BYTES) {
    this.#onError = onError;
    this.#maxBytes = maxBytes;
  }

  /** Text typed but not sent yet. */
  get queued(): string {
    return this.#queued;
  }

  get inFlight(): boolean {
    return this.#inFlight;
  }

  /** The connection is there: what was typed while it opened goes first. */
  start(send: InputSend): void {
    if (this.#disposed) return;
    this.#send = send;
    this.#pump();
  }

  push(data: string): void {
    if (this.#disposed || data.length === 0) return;
    this.#queued += data;
    this.#pump();
  }

  /** Stops for good; what was not sent is dropped. */
  dispose(): void {
    this.#disposed = true;
    this.#queued = "";
  }

  #pump(): void {
    const send = this.#send;
    if (this.#disposed || send === null || this.#inFlight || this.#queued.length === 0) return;
    const n = utf8Prefix(this.#queued, this.#maxBytes);
    const data = this.#queued.slice(0, n);
    this.#queued = this.#queued.slice(n);
    this.#inFlight = true;
    Promise.resolve()
      .then(() => send(data))
      .then(
        () => {
          this.#inFlight = false;
          this.#pump();
        },
        (e: unknown) => {
          // Keys sent after a lost one could do something else than meant (a lost "n" before an
          // Enter), so what was typed meanwhile goes with it, and the user sees why.
          this.#inFlight = false;
          this.#queued = "";
          if (!this.#disposed) this.#onError(e);
        },
      );
  }
}
