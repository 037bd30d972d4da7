/// <reference types="node" />
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { defineOverrides } from "./frozen-prototype";

/** Runs `code` the way the webview does: strict, with Object.prototype frozen (in its own realm). */
function runFrozen(code: string): unknown {
  return runInNewContext(`"use strict"; Object.freeze(Object.prototype); ${code}`);
}

const NAMESPACE = "var Q;(o=>{function s(l){return l*2}o.toString=s;})(Q||(Q={}));Q.toString(21)";

describe("defineOverrides", () => {
  it("fixes the assignment that fails under a frozen prototype", () => {
    // The error comes from the other realm, so it is matched by its message.
    expect(() => runFrozen(NAMESPACE), "the original code throws, or the fix is not needed").toThrow(/read.?only/i);
    const { code, count } = defineOverrides(NAMESPACE);
    expect(count, "one assignment to rewrite").toBe(1);
    expect(runFrozen(code), "the namespace's own toString is in place").toBe(42);
  });

  it("leaves member chains and other properties alone", () => {
    const source = "a.b.toString=c;x.toStringy=y;n.name=m;";
    expect(defineOverrides(source)).toEqual({ code: source, count: 0 });
  });
});
