// One viewer's connection to a session's terminal (issue #10), between xterm and the backend:
// opens it, feeds output to xterm and acks what xterm processed (flow.ts), queues keys (input.ts),
// passes size changes on, and closes it exactly once, even when the panel goes away while the
// open is still under way. Knows nothing of the DOM, so the lifecycle is tested with fakes.

import type { TerminalConnection } from "../../ipc";
import { GroveError } from "../../ipc";
import type { TerminalStatus } from "../../ipc/bindings";
import type { Timers } from "../spawn/pending";
import { AckFlow, frameTimers } from "./flow";
import { InputQueue } from "./input";
import type { TerminalState } from "./status";

export type OpenTerminal = (
  session: string,
  cols: number,
  rows: number,
  onOutput: (bytes: Uint8Array) => void,
  onStatus: (status: TerminalStatus) => void,
) => Promise<TerminalConnection>;

/** Where output goes: xterm's `write`, whose callback says the bytes were processed. */
export interface OutputSink {
  write(bytes: Uint8Array, processed: () => void): void;
}

export interface LinkOptions {
  open: OpenTerminal;
  sink: OutputSink;
  /** Every change of state: "opening", then the backend's statuses. */
  onState: (state: TerminalState) => void;
  /** Something the user should read in the panel's error line (a lost keystroke). */
  onError: (message: string) => void;
  timers?: Timers;
}

/** The smallest size the backend accepts; a collapsed panel must not ask for 0 x 0. */
export const MIN_COLS = 2;
export const MIN_ROWS = 2;

export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const fix = (n: number, min: number) => (Number.isFinite(n) ? Math.max(min, Math.floor(n)) : min);
  return { cols: fix(cols, MIN_COLS), rows: fix(rows, MIN_ROWS) };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class TerminalLink {
  readonly #opts: LinkOptions;
  readonly #acks: AckFlow;
  readonly #keys: InputQueue;
  #connection: TerminalConnection | null = null;
  #closed = false;
  #state: TerminalState = { state: "closed" };
  /** The size the backend has (sent or being sent), and the newest one asked for. */
  #sentSize = "";
  #wantedSize: { cols: number; rows: number } | null = null;
  #resizing = false;

  constructor(opts: LinkOptions) {
    this.#opts = opts;
    this.#acks = new AckFlow(opts.timers ?? frameTimers);
    this.#keys = new InputQueue((e) => opts.onError(`Terminal input failed: ${message(e)}`));
  }

  get state(): TerminalState {
    return this.#state;
  }

  /** The command that attaches from the user's own terminal, once the viewer exists. */
  get attachCommand(): string | null {
    return this.#connection?.attachCommand ?? null;
  }

  /** Opens the viewer at this size; call once. */
  open(session: string, cols: number, rows: number): void {
    if (this.#closed || this.#state.state !== "closed") return;
    const size = clampSize(cols, rows);
    this.#sentSize = `${size.cols}x${size.rows}`;
    this.#setState({ state: "opening" });
    this.#opts
      .open(
        session,
        size.cols,
        size.rows,
        (bytes) => this.#output(bytes),
        (status) => {
          if (!this.#closed) this.#setState(status);
        },
      )
      .then(
        (connection) => this.#connected(connection),
        (e: unknown) => {
          if (this.#closed) return;
          // A tmux session that is gone is an ended terminal, not a fault (its summary says why).
          if (e instanceof GroveError && e.code === "not_found") this.#setState({ state: "ended", reason: e.message });
          else this.#setState({ state: "failed", message: message(e) });
        },
      );
  }

  /** Keys and pastes from xterm's onData. */
  input(data: string): void {
    if (!this.#closed) this.#keys.push(data);
  }

  /** The grid's new size; only a change reaches the backend, one call at a time, newest wins. */
  resize(cols: number, rows: number): void {
    if (this.#closed) return;
    this.#wantedSize = clampSize(cols, rows);
    this.#pushSize();
  }

  /** Closes the viewer (now, or as soon as the open answers) and stops every timer; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#acks.dispose();
    this.#keys.dispose();
    const connection = this.#connection;
    this.#connection = null;
    // The viewer may already be gone (ended, failed): nothing to tell anyone then.
    if (connection) connection.close().catch(() => {});
  }

  #connected(connection: TerminalConnection): void {
    if (this.#closed) {
      connection.close().catch(() => {});
      return;
    }
    this.#connection = connection;
    if (this.#state.state === "opening") this.#setState({ state: "attaching" });
    this.#acks.start((bytes) => connection.ack(bytes));
    this.#keys.start((data) => connection.input(data));
    this.#pushSize();
  }

  #output(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    this.#opts.sink.write(bytes, () => this.#acks.processed(bytes.length));
  }

  #pushSize(): void {
    const connection = this.#connection;
    const wanted = this.#wantedSize;
    if (connection === null || wanted === null || this.#resizing) return;
    const key = `${wanted.cols}x${wanted.rows}`;
    if (key === this.#sentSize) return;
    this.#sentSize = key;
    this.#resizing = true;
    connection
      .resize(wanted.cols, wanted.rows)
      // A refused size is not asked again (it would be refused again); the next change is sent,
      // and the status tells if the viewer died.
      .catch(() => {})
      .finally(() => {
        this.#resizing = false;
        if (!this.#closed) this.#pushSize();
      });
  }

  #setState(state: TerminalState): void {
    this.#state = state;
    this.#opts.onState(state);
  }
}
