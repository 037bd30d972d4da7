// Syntax colour for diff lines, small on purpose: one pass per line over keywords, strings,
// comments and numbers of the common languages, picked by file extension. A line is coloured
// on its own (a block comment opened on an earlier line is not tracked), which is what lets the
// diff colour only the rows on screen. Unknown extensions stay plain.

export type TokenKind = "kw" | "str" | "com" | "num" | "plain";

export interface Token {
  kind: TokenKind;
  text: string;
}

interface Language {
  keywords: ReadonlySet<string>;
  /** Line comment starters, longest first. */
  line: readonly string[];
  /** Block comment delimiters closed on the same line. */
  block: readonly [string, string] | null;
  quotes: string;
}

const words = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter(Boolean));

const JS = words(`break case catch class const continue debugger default delete do else export extends false
  finally for function if import in instanceof let new null return super switch this throw true try typeof
  undefined var void while with yield async await of static get set type interface enum implements
  declare readonly as from keyof satisfies`);
const RUST = words(`as async await break const continue crate dyn else enum extern false fn for if impl in let
  loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where
  while Some None Ok Err`);
const PY = words(`and as assert async await break class continue def del elif else except False finally for
  from global if import in is lambda None nonlocal not or pass raise return True try while with yield`);
const GO = words(`break case chan const continue default defer else fallthrough for func go goto if import
  interface map package range return select struct switch type var nil true false`);
const C = words(`auto break case char const continue default do double else enum extern float for goto if
  int long register return short signed sizeof static struct switch typedef union unsigned void volatile
  while class public private protected new delete this namespace template typename true false null
  nullptr bool final override import package extends implements interface throws throw try catch`);
const SH = words(`if then else elif fi case esac for while until do done in function return local export
  readonly set unset shift exit`);
const NONE = words("");
const DATA = words("true false null");

const cLike = (keywords: ReadonlySet<string>): Language => ({
  keywords,
  line: ["//"],
  block: ["/*", "*/"],
  quotes: "\"'`",
});

const LANGUAGES: Record<string, Language> = {
  js: cLike(JS),
  rust: { ...cLike(RUST), quotes: '"' },
  go: cLike(GO),
  c: { ...cLike(C), quotes: "\"'" },
  css: { keywords: NONE, line: [], block: ["/*", "*/"], quotes: "\"'" },
  py: { keywords: PY, line: ["#"], block: null, quotes: "\"'" },
  sh: { keywords: SH, line: ["#"], block: null, quotes: "\"'" },
  toml: { keywords: DATA, line: ["#"], block: null, quotes: "\"'" },
  json: { keywords: DATA, line: [], block: null, quotes: '"' },
  html: { keywords: NONE, line: [], block: ["<!--", "-->"], quotes: "\"'" },
};

const BY_EXTENSION: Record<string, string> = {
  js: "js", mjs: "js", cjs: "js", jsx: "js", ts: "js", tsx: "js", mts: "js", svelte: "js", vue: "js",
  rs: "rust", go: "go",
  c: "c", h: "c", cc: "c", cpp: "c", hpp: "c", java: "c", kt: "c", swift: "c", cs: "c", scala: "c",
  css: "css", scss: "css",
  py: "py", sh: "sh", bash: "sh", zsh: "sh", rb: "py",
  toml: "toml", yaml: "toml", yml: "toml", ini: "toml",
  json: "json", html: "html", xml: "html", svg: "html", md: "html",
};

/** The language of a path, by extension (or a few well-known names); null colours nothing. */
export function languageOf(path: string): Language | null {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (name === "makefile" || name === "dockerfile") return LANGUAGES.sh ?? null;
  const dot = name.lastIndexOf(".");
  if (dot < 0) return null;
  const id = BY_EXTENSION[name.slice(dot + 1)];
  return id === undefined ? null : (LANGUAGES[id] ?? null);
}

const IDENT = /[A-Za-z_$][\w$]*/y;
const NUMBER = /(?:0[xob][\da-fA-F_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)[a-zA-Z\d]*/y;

/** The tokens of one line; joined, their texts are the line exactly. */
export function tokenize(line: string, lang: Language | null): Token[] {
  if (lang === null || line === "") return [{ kind: "plain", text: line }];
  const out: Token[] = [];
  let plainFrom = 0;
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    if (plainFrom < i) out.push({ kind: "plain", text: line.slice(plainFrom, i) });
    out.push({ kind, text: line.slice(i, end) });
    i = end;
    plainFrom = end;
  };
  while (i < line.length) {
    const ch = line[i] as string;
    const lineComment = lang.line.find((s) => line.startsWith(s, i));
    if (lineComment !== undefined) {
      push("com", line.length);
      break;
    }
    if (lang.block !== null && line.startsWith(lang.block[0], i)) {
      const close = line.indexOf(lang.block[1], i + lang.block[0].length);
      push("com", close < 0 ? line.length : close + lang.block[1].length);
      continue;
    }
    if (lang.quotes.includes(ch)) {
      let j = i + 1;
      while (j < line.length && line[j] !== ch) j += line[j] === "\\" ? 2 : 1;
      push("str", Math.min(line.length, j + 1));
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      IDENT.lastIndex = i;
      const word = IDENT.exec(line)?.[0] ?? ch;
      if (lang.keywords.has(word)) push("kw", i + word.length);
      else i += word.length;
      continue;
    }
    if (/\d/.test(ch) && (i === 0 || !/[\w$]/.test(line[i - 1] as string))) {
      NUMBER.lastIndex = i;
      const num = NUMBER.exec(line)?.[0] ?? ch;
      push("num", i + num.length);
      continue;
    }
    i += 1;
  }
  if (plainFrom < line.length) out.push({ kind: "plain", text: line.slice(plainFrom) });
  return out;
}
