import { describe, expect, it } from "vitest";
import type { Dialog } from "../../ipc";
import { dialogHeading, numberedOption, optionText, optionTitle } from "./dialog";
import { ANSWER_HOLD_MS, DialogPromptState, sameDialog } from "./prompt.svelte";

const permission: Dialog = {
  kind: "permission",
  title: "Do you want to proceed?",
  options: [
    { label: "Yes", keys: ["1"] },
    { label: "Yes, and don't ask again for this command", keys: ["2"] },
    { label: "No, and tell Claude what to do differently", keys: ["3", "Esc"] },
  ],
};
const aider: Dialog = {
  kind: "permission",
  title: "Create new file?",
  options: [
    { label: "Yes", keys: ["y", "Enter"] },
    { label: "No", keys: ["n", "Enter"] },
  ],
};

describe("dialog options (SPEC F2a)", () => {
  it("say the label, then the keys they send", () => {
    const texts = permission.options.map(optionText);
    expect(texts).toEqual([
      "Yes · 1",
      "Yes, and don't ask again for this command · 2",
      "No, and tell Claude what to do differently · 3 / Esc",
    ]);
    expect(optionText(aider.options[0]!), "Aider's yes is y and Enter").toBe("Yes · y / Enter");
    expect(optionText({ label: "Odd", keys: [] }), "no keys read: the label alone").toBe("Odd");
  });

  it("tell in the tooltip the exact keys in order and the digit that chooses them", () => {
    expect(optionTitle(permission.options[2]!, 2)).toBe("Presses 3, then Esc in the agent's terminal · press 3");
    expect(optionTitle({ label: "Tenth", keys: ["1", "0"] }, 9), "past nine there is no digit").toBe(
      "Presses 1, then 0 in the agent's terminal",
    );
  });

  it("are chosen by number, from 1", () => {
    expect(numberedOption(permission, 1)?.label).toBe("Yes");
    expect(numberedOption(permission, 3)?.keys, "3 chooses the third option's keys").toEqual(["3", "Esc"]);
    expect(numberedOption(permission, 4), "no fourth option").toBeNull();
    expect(numberedOption(permission, 0), "there is no option 0").toBeNull();
    expect(numberedOption(null, 1), "no dialog, nothing to choose").toBeNull();
  });

  it("sit under a heading that says what the agent asks", () => {
    expect(dialogHeading(permission)).toBe("The agent asks for permission: Do you want to proceed?");
    expect(dialogHeading({ kind: "question", title: "Should I also note this in CHANGELOG.md?" })).toBe(
      "The agent asks: Should I also note this in CHANGELOG.md?",
    );
    expect(dialogHeading({ kind: "trust", title: "" }), "a trust screen without a readable title").toBe(
      "The agent asks to trust this folder",
    );
  });
});

describe("DialogPromptState: the dialog offered", () => {
  it("is the feed's when it has one, else the one a refused send saw", () => {
    const prompt = new DialogPromptState();
    expect(prompt.shown(permission, 0), "the feed's is what the agent shows now").toBe(permission);
    expect(prompt.shown(null, 0), "no dialog, nothing offered").toBeNull();
    prompt.refuse(aider, null);
    expect(prompt.shown(null, 0), "the feed has not probed it yet: the refusal's").toBe(aider);
    expect(prompt.shown(permission, 0), "the feed's wins over the refusal's copy").toBe(permission);
  });

  it("keeps a refusal until the feed, having shown the dialog, sees it gone", () => {
    const prompt = new DialogPromptState();
    prompt.refuse(permission, null);
    prompt.follow(null);
    expect(prompt.refused, "the feed never saw it: the refusal stays").toBe(permission);
    prompt.follow(permission);
    prompt.follow(null);
    expect(prompt.refused, "answered in the terminal: the refusal is over").toBeNull();
    prompt.refuse(permission, permission);
    prompt.follow(null);
    expect(prompt.refused, "seen at the refusal, then gone: over at once").toBeNull();
    prompt.refuse(permission, null);
    prompt.sent();
    expect(prompt.refused, "a forced send ends it").toBeNull();
  });

  it("hides a dialog just answered until the feed catches up, so a second click types nothing", () => {
    const prompt = new DialogPromptState();
    prompt.refuse(permission, permission);
    prompt.answer(permission, 1_000);
    expect(prompt.refused, "answering ends the refusal").toBeNull();
    const copy = structuredClone(permission);
    expect(prompt.shown(copy, 2_000), "the next probe's unchanged copy stays hidden").toBeNull();
    expect(prompt.shown(aider, 2_000), "a different dialog shows at once").toBe(aider);
    expect(prompt.shown(copy, 1_000 + ANSWER_HOLD_MS), "past the hold the same question shows again").toBe(copy);
    prompt.follow(null);
    expect(prompt.answered, "the feed saw it go: nothing held").toBeNull();
    expect(prompt.shown(copy, 2_000), "asked again after that: shown").toBe(copy);
  });

  it("compares dialogs by question and options, not by identity", () => {
    expect(sameDialog(permission, structuredClone(permission))).toBe(true);
    const other = { ...permission, options: [...permission.options.slice(0, 2), { label: "No", keys: ["3"] }] };
    expect(sameDialog(permission, other), "another option is another dialog").toBe(false);
    expect(sameDialog(permission, { ...permission, title: "Do you want to make this edit?" })).toBe(false);
  });
});
