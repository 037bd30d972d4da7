// Back-pressure for one terminal viewer (issue #10). The backend sends a viewer one message at a
// time: the next goes once the viewer has acknowledged the bytes of this one, and carries what
// arrived meanwhile. Bytes are acked once xterm has parsed them (its write callback), never on
// arrival, and the ack waits for the next animation frame: so a flood costs at most one message
// and one ack per frame drawn, the page keeps time to handle clicks between frames, and a hidden
// window (no frames) acks nothing, which holds the output back in tmux until it shows again.
// Acks go one call at a time: a count reported while a call runs waits and joins the next one.

import type { Timers } from "../spawn/pending";

/** Acks ride on animation frames; the `ms` of `Timers.set` is ignored. */
export const frameTimers: Timers = {
  set: (fn) => requestAnimationFrame(() => fn()),
  clear: (handle) => cancelAnimationFrame(handle as number),
};

/** What the fake timers of the tests see as the delay of a frame. */
export const ACK_FRAME_MS = 16;

export type AckSend = (bytes: number) => Promise<void>;

export class AckFlow {
  readonly #timers: Timers;
  readonly #onError: (e: unknown) => void;
  #send: AckSend | null = null;
  #pending = 0;
  #inFlight = false;
  #timer: unknown = null;
  #disposed = false;

  constructor(timers: Timers = frameTimers, onError: (e: unknown) => void = () => {}) {
    this.#timers = timers;
    this.#onError = onError;
  }

  /** Bytes processed but not acked yet (including those of a call that has not started). */
  get unacked(): number {
    return this.#pending;
  }

  /** The connection is there: from now on acks go out, starting with what was counted before. */
  start(send: AckSend): void {
    if (this.#disposed) return;
    this.#send = send;
    this.#pump();
  }

  /** xterm has processed `bytes` more bytes (call from `term.write`'s callback). */
  processed(bytes: number): void {
    if (this.#disposed || bytes <= 0) return;
    this.#pending += bytes;
    this.#pump();
  }

  /** Stops for good: no timer left behind, later counts and answers are ignored. */
  dispose(): void {
    this.#disposed = true;
    this.#clearTimer();
  }

  #pump(): void {
    if (this.#disposed || this.#send === null || this.#inFlight || this.#pending === 0) return;
    if (this.#timer !== null) return;
    this.#timer = this.#timers.set(() => {
      this.#timer = null;
      this.#flush();
    }, ACK_FRAME_MS);
  }

  #flush(): void {
    const send = this.#send;
    if (this.#disposed || send === null || this.#inFlight || this.#pending === 0) return;
    const bytes = this.#pending;
    this.#pending = 0;
    this.#inFlight = true;
    // A failed ack means the viewer is gone (its status says so); the count is not retried, since
    // repeating it would ack bytes twice if the call did reach the backend.
    Promise.resolve()
      .then(() => send(bytes))
      .catch((e: unknown) => {
        if (!this.#disposed) this.#onError(e);
      })
      .finally(() => {
        this.#inFlight = false;
        this.#pump();
      });
  }

  #clearTimer(): void {
    if (this.#timer === null) return;
    this.#timers.clear(this.#timer);
    this.#timer = null;
  }
}
