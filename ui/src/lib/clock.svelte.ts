// The one clock every age reads (UI §2.5, §4.8): a 1 Hz tick, stopped while the window is hidden so
// an unseen dashboard costs nothing. Rows read `now`; nothing else keeps its own timer.

const TICK_MS = 1000;

export class Clock {
  now = $state(Date.now());

  /** Starts ticking; the returned function stops it. */
  start(): () => void {
    let timer: ReturnType<typeof setInterval> | null = null;
    const run = () => {
      this.now = Date.now();
      timer ??= setInterval(() => (this.now = Date.now()), TICK_MS);
    };
    const stop = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const onVisibility = () => (document.hidden ? stop() : run());
    document.addEventListener("visibilitychange", onVisibility);
    if (!document.hidden) run();
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }
}
