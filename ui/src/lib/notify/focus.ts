// Tells the notification policy which session the detail panel shows (SPEC H2: nothing is
// notified about the session the user is looking at). Only changes are sent, so the panel's
// re-renders for the same session cost no IPC.

export type SendFocus = (session: string | null) => Promise<void>;

export class FocusReporter {
  readonly #send: SendFocus;
  /** What the engine was last told; undefined until the first report, or after a failed send. */
  #sent: string | null | undefined = undefined;

  constructor(send: SendFocus) {
    this.#send = send;
  }

  /**
   * Reports the session shown now (null: none). The first report is always sent, so a reloaded
   * window corrects what the engine kept from before. A failed send is forgotten, so the next
   * report tries again; the policy at worst notifies about a session on screen meanwhile.
   */
  report(session: string | null): void {
    if (session === this.#sent) return;
    this.#sent = session;
    this.#send(session).catch(() => {
      if (this.#sent === session) this.#sent = undefined;
    });
  }
}
