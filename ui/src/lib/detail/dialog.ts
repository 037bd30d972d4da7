// A dialog on the agent's screen (SPEC I2b, F2a) as the detail panel offers it: each option a
// button that says what it sends ("Yes · 1", "No, and tell Claude what to do differently · 3 /
// Esc"), chosen by click or by its number. Pure, so the wording and the keys are tested.

import type { Dialog, DialogKind, DialogOption } from "../../ipc/bindings";

/** Digits choose options 1-9; a dialog with more is answered by click. */
export const MAX_DIGIT = 9;

/** "Yes · 1": the option's label, then the keys it presses. */
export function optionText(option: DialogOption): string {
  const keys = option.keys.join(" / ");
  return keys === "" ? option.label : `${option.label} · ${keys}`;
}

/** The button's tooltip: the exact keys, in the order they are pressed, and its shortcut. */
export function optionTitle(option: DialogOption, index: number): string {
  const keys = option.keys.length === 0 ? "nothing" : option.keys.join(", then ");
  const shortcut = index < MAX_DIGIT ? ` · press ${index + 1}` : "";
  return `Presses ${keys} in the agent's terminal${shortcut}`;
}

const ASKS: Record<DialogKind, string> = {
  permission: "asks for permission",
  trust: "asks to trust this folder",
  question: "asks",
  post_turn: "asks",
};

/** The line above the options: "The agent asks for permission: Do you want to proceed?". */
export function dialogHeading(dialog: Pick<Dialog, "kind" | "title">): string {
  const title = dialog.title.trim();
  const asks = ASKS[dialog.kind];
  return title === "" ? `The agent ${asks}` : `The agent ${asks}: ${title}`;
}

/** The option numbered `n` (from 1, as digits choose them); null when there is none. */
export function numberedOption(dialog: Pick<Dialog, "options"> | null, n: number): DialogOption | null {
  if (dialog === null || !Number.isInteger(n) || n < 1) return null;
  return dialog.options[n - 1] ?? null;
}
