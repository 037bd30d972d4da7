import { describe, expect, it } from "vitest";
import { languageOf, tokenize } from "./highlight";

const kinds = (line: string, path: string) =>
  tokenize(line, languageOf(path))
    .filter((t) => t.kind !== "plain")
    .map((t) => `${t.kind}:${t.text}`);

describe("tokenize", () => {
  it("finds keywords, strings, numbers and comments in TypeScript", () => {
    expect(kinds('const x = "a\\"b" + 42; // done', "src/a.ts")).toEqual(['kw:const', 'str:"a\\"b"', "num:42", "com:// done"]);
  });

  it("knows Rust lifetimes are not strings and Python's comment", () => {
    expect(kinds("fn f<'a>(x: &'a str) -> u32 { 0x1F }", "lib.rs")).toEqual(["kw:fn", "num:0x1F"]);
    expect(kinds("def f(): return None  # no", "a.py")).toEqual(["kw:def", "kw:return", "kw:None", "com:# no"]);
  });

  it("closes a block comment on the same line and leaves digits inside names alone", () => {
    expect(kinds("a /* b */ c1 = 2", "a.go")).toEqual(["com:/* b */", "num:2"]);
  });

  it("always gives back the line exactly", () => {
    for (const line of ['let s = "unterminated', "  \t mixed 'quotes' `tpl` 1.5e3", "", "x".repeat(2000)]) {
      expect(tokenize(line, languageOf("a.ts")).map((t) => t.text).join("")).toBe(line);
    }
  });

  it("leaves unknown file types plain", () => {
    expect(languageOf("LICENSE")).toBeNull();
    expect(tokenize("const x", null)).toEqual([{ kind: "plain", text: "const x" }]);
  });
});
