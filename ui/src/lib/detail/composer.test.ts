import { describe, expect, it } from "vitest";
import { checkMessage, COUNTER_FROM, isSendChord, MESSAGE_LIMIT, messageLength, sendReceipt } from "./composer";

const key = (over: Partial<KeyboardEvent>) => ({
  key: "Enter",
  metaKey: false,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  isComposing: false,
  ...over,
});

describe("composer length rules", () => {
  it("counts code points as the backend does, not UTF-16 units", () => {
    expect(messageLength("😀😀"), "an emoji is one character to Rust's chars()").toBe(2);
    expect(messageLength("héllo")).toBe(5);
  });

  it("hides the counter below 9,000 and shows it from there", () => {
    expect(checkMessage("x".repeat(COUNTER_FROM - 1)).counter, "no counter under 9,000").toBeNull();
    expect(checkMessage("x".repeat(COUNTER_FROM)).counter, "counter at 9,000").toBe("9,000 / 10,000");
  });

  it("allows exactly the limit and refuses one more", () => {
    const at = checkMessage("x".repeat(MESSAGE_LIMIT));
    expect(at.canSend, "10,000 characters may be sent").toBe(true);
    expect(at.over).toBe(false);
    const over = checkMessage("x".repeat(MESSAGE_LIMIT + 1));
    expect(over.over, "10,001 characters are over the limit").toBe(true);
    expect(over.canSend, "a message over the limit cannot be sent").toBe(false);
  });

  it("refuses an empty or blank message", () => {
    expect(checkMessage("").canSend, "empty").toBe(false);
    expect(checkMessage(" \n\t").canSend, "whitespace only").toBe(false);
  });
});

describe("send chord", () => {
  it("sends on Mod+Enter only", () => {
    expect(isSendChord(key({ ctrlKey: true })), "Ctrl+Enter sends").toBe(true);
    expect(isSendChord(key({ metaKey: true })), "Cmd+Enter sends").toBe(true);
    expect(isSendChord(key({})), "plain Enter is a newline").toBe(false);
    expect(isSendChord(key({ shiftKey: true })), "Shift+Enter is a newline").toBe(false);
    expect(isSendChord(key({ ctrlKey: true, isComposing: true })), "never while an IME composes").toBe(false);
    expect(isSendChord(key({ key: "a", ctrlKey: true })), "other keys do not send").toBe(false);
  });
});

describe("receipt", () => {
  it("says sent, or restored and sent, with a check mark", () => {
    const at = new Date(2026, 10, 24, 12, 4);
    expect(sendReceipt(at, false)).toMatch(/^sent .*12.*04.* ✓$/);
    expect(sendReceipt(at, true)).toMatch(/^restored and sent .* ✓$/);
  });
});
