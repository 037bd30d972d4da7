// Applies feed events once per animation frame (UI §4.3): the engine already coalesces ~50 ms,
// and a burst that still lands within one frame costs one store pass and one notification.

import type { FeedEvent } from "../../ipc/bindings";

/** Runs `flush` once, later (the next animation frame in the app; by hand in tests). */
export type FrameScheduler = (flush: () => void) => void;

/**
 * A hidden window gets no animation frames, so the queue would grow without bound; past this many
 * events it applies at once. The engine coalesces ~50 ms, so this is minutes of a busy fleet.
 */
export const MAX_QUEUED_EVENTS = 1000;

/** Frame fallback where requestAnimationFrame does not exist (tests in node, workers). */
const FALLBACK_FRAME_MS = 16;

export function animationFrameScheduler(flush: () => void): void {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => flush());
  else setTimeout(flush, FALLBACK_FRAME_MS);
}

export class FrameQueue {
  #queue: FeedEvent[] = [];
  #scheduled = false;
  readonly #apply: (events: readonly FeedEvent[]) => void;
  readonly #schedule: FrameScheduler;

  /** `apply` is usually `(events) => store.applyBatch(events)`. */
  constructor(apply: (events: readonly FeedEvent[]) => void, schedule: FrameScheduler = animationFrameScheduler) {
    this.#apply = apply;
    this.#schedule = schedule;
  }

  get pending(): number {
    return this.#queue.length;
  }

  push(event: FeedEvent): void {
    // A snapshot replaces all state, so what was queued before it would only be overwritten, or
    // worse, ask for a resync the snapshot already answers.
    if (event.kind === "snapshot") this.#queue = [event];
    else this.#queue.push(event);
    if (this.#queue.length >= MAX_QUEUED_EVENTS) {
      this.flush();
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  /** Applies everything queued now (also on the scheduled frame). */
  flush(): void {
    if (this.#queue.length === 0) return;
    const events = this.#queue;
    this.#queue = [];
    this.#apply(events);
  }
}
