import { describe, expect, it } from "vitest";
import { GroveError, type Dialog, type SendOutcome } from "../../ipc";
import { deferred } from "../testing/promises";
import { MessageSender, type SendCall } from "./sender.svelte";

const dialog: Dialog = {
  kind: "question",
  title: "Should I also note this in CHANGELOG.md?",
  options: [
    { label: "Yes", keys: ["1"] },
    { label: "No", keys: ["2"] },
  ],
};

function harness(call: SendCall) {
  const errors: (string | null)[] = [];
  const refusals: (Dialog | null)[] = [];
  const sender = new MessageSender(
    "api-7",
    call,
    { error: (m) => void errors.push(m), refused: (d) => void refusals.push(d) },
    () => new Date(2026, 10, 24, 12, 4),
  );
  return { sender, errors, refusals };
}

describe("MessageSender (SPEC F2, F2a)", () => {
  it("sends and leaves a receipt", async () => {
    const sent: string[] = [];
    const h = harness(async (session, message, force) => {
      sent.push(`${session} ${message} ${force}`);
      return { restored: false };
    });
    expect(await h.sender.send("hello"), "delivered").toBe(true);
    expect(sent).toEqual(["api-7 hello false"]);
    expect(h.sender.receipt).toMatch(/^sent .* ✓$/);
    expect(h.refusals, "a send that went through ends any refusal").toEqual([null]);
  });

  it("shows the dialog, not an error, when the agent's dialog refuses the text", async () => {
    const h = harness(async () => {
      throw new GroveError("dialog_open", "dialog_open: the agent shows the question …", "check state", dialog);
    });
    expect(await h.sender.send("also the README"), "not delivered").toBe(false);
    expect(h.refusals, "the panel is told which dialog refused it").toEqual([dialog]);
    expect(h.errors, "no generic error is shown for it").toEqual([null]);
    expect(h.sender.receipt, "no receipt for a message that was not sent").toBeNull();
  });

  it("sends anyway with force, and only then", async () => {
    const forced: boolean[] = [];
    const h = harness(async (_s, _m, force) => {
      forced.push(force);
      if (!force) throw new GroveError("dialog_open", "dialog_open", "check state", dialog);
      return { restored: false };
    });
    await h.sender.send("text");
    expect(await h.sender.send("text", true), "Send anyway delivers").toBe(true);
    expect(forced, "the first send is not forced, the resend is").toEqual([false, true]);
    expect(h.refusals).toEqual([dialog, null]);
  });

  it("shows other failures as errors naming the step", async () => {
    const h = harness(async () => {
      throw new GroveError("invalid_input", "the session was killed; a send never brings it back", "check state");
    });
    await h.sender.send("hi");
    expect(h.errors.at(-1)).toBe("Send failed at check state: the session was killed; a send never brings it back");
    expect(h.refusals, "no dialog involved").toEqual([]);
  });

  it("keeps one send in flight", async () => {
    const gate = deferred<SendOutcome>();
    let calls = 0;
    const h = harness(() => {
      calls++;
      return gate.promise;
    });
    const first = h.sender.send("one");
    expect(h.sender.sending).toBe(true);
    expect(await h.sender.send("two"), "a second send while one is in flight is dropped").toBe(false);
    gate.resolve({ restored: true });
    expect(await first).toBe(true);
    expect(calls).toBe(1);
    expect(h.sender.receipt, "the receipt says the session was restored first").toMatch(/^restored and sent /);
  });
});
