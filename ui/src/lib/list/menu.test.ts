import { describe, expect, it } from "vitest";
import { rowMenuItems } from "./menu";

describe("rowMenuItems", () => {
  it("offers Stop on a live session, with its key (SPEC F5a)", () => {
    expect(rowMenuItems({ ended: false, restorable: false })).toEqual([
      { action: "review", label: "Review changes", hint: "D" },
      { action: "stop", label: "Stop", hint: "Shift+S" },
    ]);
  });
  it("offers Restore on a crashed or stopped one, and no Stop: it has ended", () => {
    expect(rowMenuItems({ ended: true, restorable: true }).map((i) => i.action)).toEqual(["review", "restore"]);
  });
  it("offers only Review on a session merged and cleaned up", () => {
    expect(rowMenuItems({ ended: true, restorable: false }).map((i) => i.action)).toEqual(["review"]);
  });
});
