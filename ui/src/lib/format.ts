// Text formatting shared by every surface, so an age reads the same in a row, the detail panel and
// the status bar.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Below this an age reads "now": a few seconds of clock skew should not look like activity. */
const NOW_THRESHOLD_MS = 5 * SECOND;

type AgeUnit = "s" | "m" | "h" | "d";

/** The age in its largest whole unit, or null under the "now" threshold; both formats cut here. */
function ageParts(ageMs: number): [number, AgeUnit] | null {
  if (!Number.isFinite(ageMs) || ageMs < NOW_THRESHOLD_MS) return null;
  if (ageMs < MINUTE) return [Math.floor(ageMs / SECOND), "s"];
  if (ageMs < HOUR) return [Math.floor(ageMs / MINUTE), "m"];
  if (ageMs < DAY) return [Math.floor(ageMs / HOUR), "h"];
  return [Math.floor(ageMs / DAY), "d"];
}

/** Compact age for rows: "now", "40s", "4m", "2h", "3d". Future times (clock skew) read "now". */
export function formatAge(ageMs: number): string {
  const parts = ageParts(ageMs);
  return parts === null ? "now" : `${parts[0]}${parts[1]}`;
}

const AGO_UNIT: Record<AgeUnit, string> = { s: "s", m: "min", h: "h", d: "d" };

/**
 * Spelled-out age for sentences ("12 s ago", "4 min ago"), where the compact "4m" would read as
 * metres. Same thresholds as `formatAge`, so a row and its detail never disagree; under the "now"
 * threshold it reads "just now".
 */
export function formatAgo(ageMs: number): string {
  const parts = ageParts(ageMs);
  return parts === null ? "just now" : `${parts[0]} ${AGO_UNIT[parts[1]]} ago`;
}

/** "1 session", "3 sessions". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Shows a path under the user's home as `~/...`; other paths unchanged. */
export function tildify(path: string, home: string | null | undefined): string {
  if (!home) return path;
  const base = home.replace(/[\\/]+$/, "");
  if (path === base) return "~";
  for (const sep of ["/", "\\"]) {
    if (path.startsWith(base + sep)) return `~${sep}${path.slice(base.length + 1)}`;
  }
  return path;
}

/** Under a minute the feed's age moves in steps this long. */
const SINCE_STEP = 10 * SECOND;

/**
 * How long ago the feed last spoke, for the status bar: "under 10s", then "10s", "20s"... and
 * "4m" past a minute. Coarse on purpose: a status line that changed every second repainted the
 * window every second of an idle dashboard (issue #20); a stale feed is what it must show.
 */
export function formatSince(ageMs: number): string {
  if (!Number.isFinite(ageMs) || ageMs < SINCE_STEP) return "under 10s";
  if (ageMs < MINUTE) return `${Math.floor(ageMs / SINCE_STEP) * 10}s`;
  return formatAge(ageMs);
}

/**
 * Milliseconds until `formatAge` (and `formatAgo`, which cuts at the same places) of an age that
 * is `ageMs` now reads differently: the clock wakes for that and not before (UI §2.5).
 */
export function nextAgeChange(ageMs: number): number {
  if (!Number.isFinite(ageMs)) return Infinity;
  if (ageMs < NOW_THRESHOLD_MS) return NOW_THRESHOLD_MS - ageMs;
  const unit = ageMs < MINUTE ? SECOND : ageMs < HOUR ? MINUTE : ageMs < DAY ? HOUR : DAY;
  return unit - (ageMs % unit);
}

/** Milliseconds until `formatSince` of an age that is `ageMs` now reads differently. */
export function nextSinceChange(ageMs: number): number {
  if (!Number.isFinite(ageMs)) return Infinity;
  if (ageMs < 0) return SINCE_STEP - ageMs;
  if (ageMs < MINUTE) return SINCE_STEP - (ageMs % SINCE_STEP);
  return nextAgeChange(ageMs);
}
