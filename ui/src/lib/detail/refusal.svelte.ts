// A send the agent's dialog refused (SPEC F2a: `dialog_open`). The panel shows that dialog with
// its options and "Send anyway" until it is answered, forced, or the feed sees it gone: the
// refusal's copy of the dialog is what the agent showed then, the feed's is what it shows now.

import type { Dialog } from "../../ipc/bindings";

export class Refusal {
  /** The dialog that refused the last send; null when no send waits on one. */
  dialog = $state<Dialog | null>(null);
  /** Whether the feed has shown a dialog since the refusal. */
  #seenLive = false;

  refuse(dialog: Dialog, live: Dialog | null): void {
    this.dialog = dialog;
    this.#seenLive = live !== null;
  }

  clear(): void {
    this.dialog = null;
    this.#seenLive = false;
  }

  /** Follows the feed's dialog: once it showed one and then none, the refusal is over. */
  follow(live: Dialog | null): void {
    if (this.dialog === null) return;
    if (live !== null) this.#seenLive = true;
    else if (this.#seenLive) this.clear();
  }
}
