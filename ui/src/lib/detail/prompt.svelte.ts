// Which dialog the detail panel offers (SPEC I2b, F2a), beyond the one the feed reads on screen:
// - a send the dialog refused (`dialog_open`) shows that dialog with "Send anyway" until it is
//   answered, forced, or the feed sees it gone; the feed may not have probed it yet, so the
//   refusal's copy stands in until then;
// - an answered dialog stays on screen until the next probe, so it is hidden meanwhile (for at
//   most ANSWER_HOLD_MS): a second click would type its keys into the agent's prompt.

import type { Dialog } from "../../ipc/bindings";

/** Long enough for the probe that follows an answer; short enough that a repeated question shows. */
export const ANSWER_HOLD_MS = 5_000;

/** Same question and options: the feed sends a new copy of an unchanged dialog on every probe. */
export function sameDialog(a: Dialog, b: Dialog): boolean {
  return (
    a.kind === b.kind &&
    a.title === b.title &&
    a.options.length === b.options.length &&
    a.options.every((o, i) => {
      const other = b.options[i];
      return other !== undefined && o.label === other.label && o.keys.join("\u0000") === other.keys.join("\u0000");
    })
  );
}

export class DialogPromptState {
  /** The dialog that refused the last send; null when no send waits on one. */
  refused = $state<Dialog | null>(null);
  /** The dialog just answered, and when. */
  answered = $state<{ dialog: Dialog; at: number } | null>(null);
  /** Whether the feed has shown a dialog since the refusal. */
  #seenLive = false;

  refuse(dialog: Dialog, live: Dialog | null): void {
    this.refused = dialog;
    this.#seenLive = live !== null;
  }

  /** A send went through (forced, or the dialog had gone): nothing waits any more. */
  sent(): void {
    this.refused = null;
    this.#seenLive = false;
  }

  /** `dialog` was answered at `now`: hide it until the feed catches up. */
  answer(dialog: Dialog, now: number): void {
    this.answered = { dialog, at: now };
    this.sent();
  }

  reset(): void {
    this.answered = null;
    this.sent();
  }

  /** Follows the feed's dialog: once it showed one and then none, a refusal or an answer is over. */
  follow(live: Dialog | null): void {
    if (this.answered !== null && (live === null || !sameDialog(live, this.answered.dialog))) this.answered = null;
    if (this.refused === null) return;
    if (live !== null) this.#seenLive = true;
    else if (this.#seenLive) this.sent();
  }

  /** The dialog to offer at `now`: the feed's, else the refusal's; none while just answered. */
  shown(live: Dialog | null, now: number): Dialog | null {
    const dialog = live ?? this.refused;
    if (dialog === null) return null;
    const held = this.answered;
    if (held !== null && now - held.at < ANSWER_HOLD_MS && sameDialog(dialog, held.dialog)) return null;
    return dialog;
  }
}
