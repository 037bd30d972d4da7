import { describe, expect, it } from "vitest";
import { deferred, settle } from "../testing/promises";
import { INPUT_MAX_BYTES, InputQueue, utf8Chunks, utf8Prefix } from "./input";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("utf8Chunks", () => {
  it("keeps text under the limit whole", () => {
    expect(utf8Chunks("ls -la\r")).toEqual(["ls -la\r"]);
    expect(utf8Chunks("")).toEqual([]);
  });

  it("cuts ASCII exactly at the byte limit", () => {
    const text = "a".repeat(INPUT_MAX_BYTES * 2 + 5);
    expect(utf8Chunks(text).map(bytes)).toEqual([INPUT_MAX_BYTES, INPUT_MAX_BYTES, 5]);
  });

  it("never cuts inside a multi-byte character", () => {
    // "é" is 2 bytes and "€" 3: with an odd limit a cut by bytes would land mid-character.
    for (const ch of ["é", "€", "漢"]) {
      const text = ch.repeat(1000);
      const chunks = utf8Chunks(text, 1001);
      expect(chunks.join(""), `${ch}: the pieces put together give the text back`).toBe(text);
      for (const c of chunks) {
        expect(bytes(c), `${ch}: a piece over the limit`).toBeLessThanOrEqual(1001);
        expect(c.replace(new RegExp(ch, "g"), ""), `${ch}: a piece holds a broken character`).toBe("");
      }
    }
  });

  it("never separates the two halves of an emoji's surrogate pair", () => {
    const text = "x" + "😀".repeat(5000); // 4 bytes each; the leading x makes cuts misalign with pairs
    const chunks = utf8Chunks(text, 4097);
    expect(chunks.join("")).toBe(text);
    for (const c of chunks) {
      expect(bytes(c)).toBeLessThanOrEqual(4097);
      const first = c.charCodeAt(0);
      const last = c.charCodeAt(c.length - 1);
      expect(first >= 0xdc00 && first <= 0xdfff, "a piece starts with a low surrogate").toBe(false);
      expect(last >= 0xd800 && last <= 0xdbff, "a piece ends with a high surrogate").toBe(false);
    }
  });

  it("mixes widths at the real 64 KiB limit and loses nothing", () => {
    const text = "ab€😀ü\r\n".repeat(20_000);
    const chunks = utf8Chunks(text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(text);
    expect(Math.max(...chunks.map(bytes))).toBeLessThanOrEqual(INPUT_MAX_BYTES);
    expect(bytes(chunks[0]!), "a piece is filled to within one character of the limit").toBeGreaterThan(
      INPUT_MAX_BYTES - 4,
    );
  });

  it("always advances, even when one character is wider than the limit", () => {
    expect(utf8Prefix("😀abc", 3)).toBe(2);
    expect(utf8Prefix("€abc", 2)).toBe(1);
  });
});

/** A queue whose input calls the test answers by hand. */
function harness(maxBytes?: number) {
  const calls: { data: string; answer: ReturnType<typeof deferred<void>> }[] = [];
  const errors: unknown[] = [];
  const queue = new InputQueue((e) => errors.push(e), maxBytes);
  const send = (data: string) => {
    const answer = deferred<void>();
    calls.push({ data, answer });
    return answer.promise;
  };
  const sent = () => calls.map((c) => c.data);
  return { queue, send, sent, calls, errors };
}

describe("InputQueue", () => {
  it("keeps one call in flight and sends what was typed meanwhile as the next one, in order", async () => {
    const h = harness();
    h.queue.start(h.send);
    h.queue.push("l");
    await settle();
    h.queue.push("s");
    h.queue.push(" -");
    h.queue.push("la\r");
    await settle();
    expect(h.sent(), "no second call before the first answers").toEqual(["l"]);
    h.calls[0]!.answer.resolve();
    await settle();
    expect(h.sent(), "the keys typed meanwhile, joined in order").toEqual(["l", "s -la\r"]);
    h.calls[1]!.answer.resolve();
    await settle();
    expect(h.queue.inFlight).toBe(false);
  });

  it("holds keys typed before the connection exists and sends them first", async () => {
    const h = harness();
    h.queue.push("y");
    h.queue.push("\r");
    await settle();
    expect(h.sent()).toEqual([]);
    h.queue.start(h.send);
    await settle();
    expect(h.sent()).toEqual(["y\r"]);
  });

  it("sends a large paste as limited pieces, one after another, then what followed it", async () => {
    const h = harness(10);
    h.queue.start(h.send);
    h.queue.push("0123456789ABCDEFGHIJ€€€€");
    h.queue.push("!");
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      await settle();
      expect(h.calls.length - seen.length, "more than one piece in flight").toBeLessThanOrEqual(1);
      const next = h.calls[seen.length];
      if (!next) break;
      seen.push(next.data);
      next.answer.resolve();
    }
    expect(seen).toEqual(["0123456789", "ABCDEFGHIJ", "€€€", "€!"]);
    expect(seen.every((s) => bytes(s) <= 10)).toBe(true);
  });

  it("drops what was queued behind a failed call and reports the failure", async () => {
    const h = harness();
    h.queue.start(h.send);
    h.queue.push("n");
    await settle();
    h.queue.push("\r");
    h.calls[0]!.answer.reject(new Error("viewer gone"));
    await settle();
    expect(h.sent(), "the Enter behind a lost key is not sent").toEqual(["n"]);
    expect(h.errors.map(String)).toEqual(["Error: viewer gone"]);
    h.queue.push("x");
    await settle();
    expect(h.sent(), "later keys go again").toEqual(["n", "x"]);
  });

  it("sends nothing after dispose", async () => {
    const h = harness();
    h.queue.start(h.send);
    h.queue.push("a");
    await settle();
    h.queue.push("b");
    h.queue.dispose();
    h.calls[0]!.answer.resolve();
    h.queue.push("c");
    await settle();
    expect(h.sent()).toEqual(["a"]);
  });
});
