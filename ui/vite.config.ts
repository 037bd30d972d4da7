import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";
import { frozenPrototypeSafe } from "./build/frozen-prototype";

// The webview loads the built files from disk (tauri.conf.json `frontendDist`), so the build must
// be self-contained: no CDN, fonts bundled, and no inline scripts the CSP would refuse.
export default defineConfig({
  plugins: [svelte(), frozenPrototypeSafe()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    // Inline assets would arrive as data: URLs; keeping them as files keeps the CSP simple.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "build/**/*.test.ts"],
  },
});
