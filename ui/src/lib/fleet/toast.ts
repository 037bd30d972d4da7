// One short message at a time in the corner: what the tray just did ("Stopped 27 sessions") or a
// fleet call that failed after its sheet closed. A newer message replaces the one showing and
// restarts its time, so a burst never stacks up over the list.

import { realTimers, type Timers } from "../spawn/pending";

/** How long a message stays. */
export const TOAST_MS = 4000;

export interface ToastState {
  /** The message showing, or null. */
  text: string | null;
  /** Bumped per message, so the view can replay its entrance for a replacement. */
  id: number;
}

export class Toaster {
  readonly #state: ToastState;
  readonly #timers: Timers;
  #timer: unknown = undefined;

  constructor(state: ToastState, timers: Timers = realTimers) {
    this.#state = state;
    this.#timers = timers;
  }

  show(text: string): void {
    const trimmed = text.trim();
    if (trimmed === "") return;
    this.#timers.clear(this.#timer);
    this.#state.text = trimmed;
    this.#state.id++;
    this.#timer = this.#timers.set(() => this.dismiss(), TOAST_MS);
  }

  dismiss(): void {
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
    this.#state.text = null;
  }
}
