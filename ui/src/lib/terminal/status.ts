// The terminal header's attach chip (issue #10): the backend's TerminalStatus in a word or two,
// plus the UI's own states before and without a viewer.

import type { TerminalStatus } from "../../ipc/bindings";

/** Where the terminal is: the backend's status, or "opening" (asked, no answer) / "closed" (no viewer). */
export type TerminalState = TerminalStatus | { state: "opening" } | { state: "closed" };

/** The chip's colour: live is in progress (cyan), retrying is worth a look (amber), failed broke (red). */
export type StatusTone = "working" | "respond" | "review" | "neutral";

export interface StatusChip {
  label: string;
  tone: StatusTone;
  /** The longer story for the tooltip. */
  detail: string | null;
}

export function statusChip(status: TerminalState): StatusChip {
  switch (status.state) {
    case "opening":
    case "attaching":
      return { label: "attaching…", tone: "neutral", detail: null };
    case "attached":
      return { label: "live", tone: "working", detail: null };
    case "reattaching":
      return {
        label: `reattaching ${status.attempt}/${status.maxAttempts}…`,
        tone: "respond",
        detail: `${status.reason} · next try in ${formatDelay(status.delayMs)}`,
      };
    case "ended":
      return { label: "ended", tone: "neutral", detail: status.reason || null };
    case "failed":
      return { label: "failed", tone: "review", detail: status.message || null };
    case "closed":
      return { label: "closed", tone: "neutral", detail: null };
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${Math.round(ms / 100) / 10} s`;
}
