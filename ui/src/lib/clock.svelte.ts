// The one clock every age reads (UI §2.5, §4.8). It ticks only when some age on screen would read
// differently: each shown age registers its anchor, and the single timer sleeps until the nearest
// change ("40s" wakes it each second, "4m" at the next minute, nothing shown: never). Stopped while
// the window is hidden, so an unseen or unchanging dashboard costs nothing (issue #20).

import { getContext, setContext } from "svelte";
import { nextAgeChange } from "./format";

/** Milliseconds until a text showing an age of `ageMs` changes (`nextAgeChange` for row ages). */
export type NextChange = (ageMs: number) => number;

interface Shown {
  anchor: number;
  next: NextChange;
  count: number;
}

/** Rounding slack: a timer that fires a hair early would otherwise wake again at once. */
const SLACK_MS = 5;

/** `now` older than this is refreshed when a new age is shown. */
const STALE_MS = 1000;

export type Timers = {
  set: (run: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
  now: () => number;
};

const realTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export class Clock {
  now = $state(Date.now());
  /** The ages on screen by anchor (ms since the epoch) and format, with how many texts show each. */
  readonly #shown = new Map<string, Shown>();
  readonly #formats = new Map<NextChange, number>();
  readonly #timers: Timers;
  #timer: unknown = null;
  #running = false;

  constructor(timers: Timers = realTimers) {
    this.#timers = timers;
    this.now = timers.now();
  }

  /**
   * An age measured from `anchor`, whose text changes as `next` says, is on screen until the
   * returned function is called.
   */
  watch(anchor: number, next: NextChange = nextAgeChange): () => void {
    if (!Number.isFinite(anchor)) return () => {};
    // Asleep while nothing changed, `now` may be far behind: a newly shown age must not be
    // measured from it (a text drawn from a stale `now` would stay wrong until the next tick).
    if (this.#running && this.#timers.now() - this.now >= STALE_MS) this.now = this.#timers.now();
    const key = `${this.#format(next)}:${anchor}`;
    const shown = this.#shown.get(key);
    if (shown !== undefined) shown.count++;
    else {
      this.#shown.set(key, { anchor, next, count: 1 });
      // A new age can only bring the next change closer; a known one changes nothing.
      this.#plan();
    }
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      const entry = this.#shown.get(key);
      if (entry !== undefined && --entry.count === 0) this.#shown.delete(key);
      // A removed age leaves the timer early at worst: it wakes, finds nothing new, plans again.
    };
  }

  /** How many distinct ages are on screen (for tests and measurements). */
  get watched(): number {
    return this.#shown.size;
  }

  /** A small number naming each format function, so keys stay short strings. */
  #format(next: NextChange): number {
    let id = this.#formats.get(next);
    if (id === undefined) this.#formats.set(next, (id = this.#formats.size));
    return id;
  }

  /** Whether a tick is planned (for tests). */
  get planned(): boolean {
    return this.#timer !== null;
  }

  /** Starts ticking; the returned function stops it. */
  start(): () => void {
    const run = () => {
      this.#running = true;
      this.now = this.#timers.now();
      this.#plan();
    };
    const onVisibility = () => (document.hidden ? this.#stop() : run());
    document.addEventListener("visibilitychange", onVisibility);
    if (!document.hidden) run();
    return () => {
      this.#stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }

  /** Starts without a document (tests). */
  run(): void {
    this.#running = true;
    this.#plan();
  }

  #stop(): void {
    this.#running = false;
    this.#cancel();
  }

  #cancel(): void {
    if (this.#timer !== null) this.#timers.clear(this.#timer);
    this.#timer = null;
  }

  /** Sleeps until the nearest shown age changes its text. */
  #plan(): void {
    this.#cancel();
    if (!this.#running || this.#shown.size === 0) return;
    const at = this.#timers.now();
    let wait = Infinity;
    for (const { anchor, next } of this.#shown.values()) wait = Math.min(wait, next(at - anchor));
    if (!Number.isFinite(wait)) return;
    this.#timer = this.#timers.set(() => {
      this.#timer = null;
      this.now = this.#timers.now();
      this.#plan();
    }, wait + SLACK_MS);
  }
}

const CLOCK = Symbol("clock");

/** Makes `clock` the one every age below the calling component registers with. */
export function provideClock(clock: Clock): void {
  setContext(CLOCK, clock);
}

/**
 * Keeps the age measured from `anchor()` ticking while the calling component is mounted; call
 * during component set-up. Pass a `$derived` anchor, so an unchanged anchor re-registers nothing.
 */
export function watchAge(anchor: () => number | null, next?: NextChange): void {
  const clock = getContext<Clock | undefined>(CLOCK);
  if (clock === undefined) return;
  $effect(() => {
    const at = anchor();
    return at === null ? undefined : clock.watch(at, next);
  });
}
