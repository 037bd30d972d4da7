import { describe, expect, it } from "vitest";
import { FocusReporter } from "./focus";

describe("focus reporter", () => {
  it("sends the first report and then only changes", async () => {
    const sent: (string | null)[] = [];
    const focus = new FocusReporter(async (key) => void sent.push(key));
    focus.report(null);
    focus.report("api/api-7");
    focus.report("api/api-7");
    focus.report("web/web-2");
    focus.report(null);
    focus.report(null);
    await Promise.resolve();
    expect(sent).toEqual([null, "api/api-7", "web/web-2", null]);
  });

  it("tries again after a failed send", async () => {
    const sent: (string | null)[] = [];
    let fail = true;
    const focus = new FocusReporter(async (key) => {
      sent.push(key);
      if (fail) throw new Error("not ready");
    });
    focus.report("api/api-7");
    await new Promise((r) => setTimeout(r, 0));
    fail = false;
    focus.report("api/api-7");
    expect(sent).toEqual(["api/api-7", "api/api-7"]);
  });
});
