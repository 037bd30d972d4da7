// The splitter between the detail's facts and its terminal (UI §1.6: the terminal takes 60% by
// default). The terminal's share is a percentage of the area below the action bar, clamped so
// neither side can be dragged away to nothing.

export const SHARE_DEFAULT = 60;
export const SHARE_MIN = 20;
export const SHARE_MAX = 85;
/** Arrow keys move the splitter this much; Page Up/Down a larger step. */
export const SHARE_STEP = 5;
export const SHARE_PAGE = 20;

/** The share within bounds; anything unreadable (NaN, a stored string) is the default. */
export function clampShare(share: number): number {
  if (!Number.isFinite(share)) return SHARE_DEFAULT;
  return Math.min(SHARE_MAX, Math.max(SHARE_MIN, Math.round(share * 10) / 10));
}

/** The share with the splitter at `clientY` in an area spanning `top` to `top + height`. */
export function shareAt(clientY: number, top: number, height: number): number {
  if (!(height > 0)) return SHARE_DEFAULT;
  return clampShare(((top + height - clientY) / height) * 100);
}

/**
 * The share after a key on the focused splitter, or null when the key is not the splitter's.
 * The terminal sits below: Up moves the splitter up and grows the terminal. Home and End go to the
 * ends, like any ARIA window splitter.
 */
export function shareAfterKey(share: number, key: string): number | null {
  switch (key) {
    case "ArrowUp":
      return clampShare(share + SHARE_STEP);
    case "ArrowDown":
      return clampShare(share - SHARE_STEP);
    case "PageUp":
      return clampShare(share + SHARE_PAGE);
    case "PageDown":
      return clampShare(share - SHARE_PAGE);
    case "Home":
      return SHARE_MAX;
    case "End":
      return SHARE_MIN;
    default:
      return null;
  }
}
