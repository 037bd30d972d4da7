// The composer's send (UI §1.6, SPEC F2, F2a): one message in flight, a receipt when it went, and
// a refusal because of a dialog on the agent's screen reported as that dialog, not as an error,
// so the panel offers the dialog's options and "Send anyway" (a forced resend).

import { GroveError, type Dialog, type SendOutcome } from "../../ipc";
import { sendReceipt } from "./composer";
import { operationError } from "./facts";

/** Where the outcome of a send goes besides the receipt. */
export interface SendReports {
  /** An error to show, or null to clear the last one. */
  error(message: string | null): void;
  /** The dialog that refused the send (`dialog_open`), or null when a send went through. */
  refused(dialog: Dialog | null): void;
}

export type SendCall = (session: string, message: string, force: boolean) => Promise<SendOutcome>;

export class MessageSender {
  sending = $state(false);
  receipt = $state<string | null>(null);

  readonly #session: string;
  readonly #call: SendCall;
  readonly #reports: SendReports;
  readonly #now: () => Date;

  constructor(session: string, call: SendCall, reports: SendReports, now: () => Date = () => new Date()) {
    this.#session = session;
    this.#call = call;
    this.#reports = reports;
    this.#now = now;
  }

  /** Sends `message`; true when it was delivered. `force` pastes even into a dialog (F2a). */
  async send(message: string, force = false): Promise<boolean> {
    if (this.sending) return false;
    this.sending = true;
    this.receipt = null;
    this.#reports.error(null);
    try {
      const outcome = await this.#call(this.#session, message, force);
      this.receipt = sendReceipt(this.#now(), outcome.restored);
      this.#reports.refused(null);
      return true;
    } catch (e) {
      const err = e instanceof GroveError ? e : new GroveError("internal", e instanceof Error ? e.message : String(e));
      if (err.code === "dialog_open" && err.dialog !== null) this.#reports.refused(err.dialog);
      else this.#reports.error(operationError("Send", err));
      return false;
    } finally {
      this.sending = false;
    }
  }
}
