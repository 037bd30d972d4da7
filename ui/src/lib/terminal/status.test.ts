import { describe, expect, it } from "vitest";
import { statusChip, type TerminalState } from "./status";

describe("statusChip", () => {
  const cases: [TerminalState, string][] = [
    [{ state: "opening" }, "attaching…"],
    [{ state: "attaching" }, "attaching…"],
    [{ state: "attached" }, "live"],
    [{ state: "reattaching", attempt: 2, maxAttempts: 3, delayMs: 500, reason: "pty closed" }, "reattaching 2/3…"],
    [{ state: "ended", reason: "tmux session gone" }, "ended"],
    [{ state: "failed", message: "no tmux" }, "failed"],
    [{ state: "closed" }, "closed"],
  ];
  it.each(cases)("%o reads %s", (status, label) => {
    expect(statusChip(status).label).toBe(label);
  });

  it("puts the why in the tooltip: the retry's reason and delay, the failure, the end", () => {
    expect(statusChip({ state: "reattaching", attempt: 1, maxAttempts: 3, delayMs: 250, reason: "pty closed" }).detail).toBe(
      "pty closed · next try in 250 ms",
    );
    expect(statusChip({ state: "reattaching", attempt: 3, maxAttempts: 3, delayMs: 2000, reason: "x" }).detail).toBe(
      "x · next try in 2 s",
    );
    expect(statusChip({ state: "failed", message: "no tmux" }).detail).toBe("no tmux");
    expect(statusChip({ state: "ended", reason: "" }).detail, "an empty reason gives no tooltip").toBeNull();
  });

  it("colours live as in progress, a retry as worth a look and a failure as broken", () => {
    expect(statusChip({ state: "attached" }).tone).toBe("working");
    expect(statusChip({ state: "reattaching", attempt: 1, maxAttempts: 3, delayMs: 0, reason: "" }).tone).toBe("respond");
    expect(statusChip({ state: "failed", message: "" }).tone).toBe("review");
    expect(statusChip({ state: "ended", reason: "" }).tone).toBe("neutral");
  });
});
