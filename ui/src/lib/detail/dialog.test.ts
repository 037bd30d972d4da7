import { describe, expect, it } from "vitest";
import type { Dialog } from "../../ipc";
import { dialogHeading, numberedOption, optionText, optionTitle, shownDialog } from "./dialog";
import { Refusal } from "./refusal.svelte";

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

describe("the dialog shown", () => {
  it("is the feed's when it has one, else the one a refused send saw", () => {
    expect(shownDialog(permission, aider), "the feed's is what the agent shows now").toBe(permission);
    expect(shownDialog(null, aider), "the feed has not probed it yet: the refusal's").toBe(aider);
    expect(shownDialog(undefined, null)).toBeNull();
  });
});

describe("Refusal", () => {
  it("lasts until the feed, having shown the dialog, sees it gone", () => {
    const refusal = new Refusal();
    refusal.refuse(permission, null);
    refusal.follow(null);
    expect(refusal.dialog, "the feed never saw it: the refusal stays").toBe(permission);
    refusal.follow(permission);
    expect(refusal.dialog).toBe(permission);
    refusal.follow(null);
    expect(refusal.dialog, "answered in the terminal: the refusal is over").toBeNull();
  });

  it("ends at once when the feed showed the dialog at the refusal and then loses it", () => {
    const refusal = new Refusal();
    refusal.refuse(permission, permission);
    refusal.follow(null);
    expect(refusal.dialog).toBeNull();
    refusal.follow(permission);
    expect(refusal.dialog, "a new dialog is not a new refusal").toBeNull();
  });
});
