// Tauri's `freezePrototype` freezes Object.prototype in the webview, which hardens it against
// prototype pollution. Under a frozen prototype, plain assignment to a property that
// Object.prototype also has (`ns.toString = fn`) throws in strict code: the "override mistake".
// xterm.js does exactly that once, for a namespace object's `toString`, and the terminal then
// fails to load. This rewrites such assignments in xterm's bundle as property definitions, which
// mean the same and are allowed; the rest of the app keeps the frozen prototype.

import type { Plugin } from "vite";

/** `a.toString=b;` as minified code writes it; `a` and `b` are identifiers. */
const OVERRIDE = /(?<![\w$.])([A-Za-z_$][\w$]*)\.(toString|valueOf|constructor)=([A-Za-z_$][\w$]*);/g;

/** The code with every such assignment made a property definition. */
export function defineOverrides(code: string): { code: string; count: number } {
  let count = 0;
  const out = code.replace(OVERRIDE, (_all, target: string, key: string, value: string) => {
    count += 1;
    return `Object.defineProperty(${target},"${key}",{value:${value},writable:!0,configurable:!0,enumerable:!0});`;
  });
  return { code: out, count };
}

/** The Vite plugin, applied to xterm's modules only. */
export function frozenPrototypeSafe(): Plugin {
  return {
    name: "grove-frozen-prototype-safe",
    enforce: "pre",
    transform(code, id) {
      if (!/[\\/]@xterm[\\/]xterm[\\/]lib[\\/]/.test(id)) return null;
      const { code: out, count } = defineOverrides(code);
      return count === 0 ? null : { code: out, map: null };
    },
  };
}
