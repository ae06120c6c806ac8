import { readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import solid from "vite-plugin-solid";

// The API's own routes: never answered by the service worker's app shell.
const API_ROUTES = [/^\/graphql/, /^\/livez/, /^\/readyz/, /^\/health/, /^\/metrics/];

/**
 * The typed documents (src/gql/graphql.ts, generated) are one module: bundled as is, all 160 of them
 * (~20 KB compressed) went into a chunk every page loads first. Here each document becomes a module of
 * its own and graphql.ts only re-exports them, so a document lands in the chunk of the pages that use
 * it. Build only; the generated file and its types are unchanged.
 */
function documentPerModule(): Plugin {
  const generated = path.resolve(import.meta.dirname, "src/gql/graphql.ts");
  const PREFIX = "\0linshe-document:";
  const documents = new Map<string, string>();
  return {
    name: "linshe-document-per-module",
    apply: "build",
    enforce: "pre",
    resolveId: (id) => (id.startsWith(PREFIX) ? id : null),
    load(id) {
      if (id.startsWith(PREFIX)) {
        const name = id.slice(PREFIX.length);
        return { code: `export const ${name} = ${documents.get(name)};\n`, moduleSideEffects: false };
      }
      if (path.resolve(id) !== generated) return null;
      const source = readFileSync(generated, "utf8");
      const exports: string[] = [];
      for (const m of source.matchAll(/^export const (\w+) = (\{.*\}) as unknown as DocumentNode<[^;]*>;$/gm)) {
        documents.set(m[1]!, m[2]!);
        exports.push(`export { ${m[1]} } from ${JSON.stringify(PREFIX + m[1])};`);
      }
      // Anything else at run time would be lost: fail the build rather than ship a broken app.
      const rest = source.replace(/^export const \w+ = \{.*\} as unknown as DocumentNode<[^;]*>;$/gm, "");
      if (/^export (const|let|var|function|class|enum) /m.test(rest)) throw new Error("src/gql/graphql.ts has run-time exports other than documents");
      return { code: exports.join("\n") + "\n", moduleSideEffects: false };
    },
  };
}

// `pnpm dev` proxies the API (pnpm dev:api on :4000) so the app and /graphql share an origin.
export default defineConfig({
  plugins: [
    documentPerModule(),
    solid(),
    // An installable app whose shell (HTML, JS, CSS, icons) is precached by a Workbox service worker:
    // offline, every page opens from it and says "离线" instead of the browser's error page. API
    // answers are never cached by the worker (personal data stays out of its caches): the app keeps
    // the few it needs offline itself (src/lib/offline.ts), per account, and drops them on sign-out.
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: false,
      includeAssets: ["favicon.ico", "icon.svg", "apple-touch-icon-180x180.png"],
      manifest: {
        id: "/",
        name: "邻舍 · 义警平台",
        short_name: "邻舍",
        description: "派出所义警队伍的巡防班次、签到与表扬榜",
        lang: "zh-CN",
        dir: "ltr",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "portrait",
        theme_color: "#b3261e",
        background_color: "#f6f8fa",
        categories: ["productivity", "social"],
        icons: [
          { src: "pwa-64x64.png", sizes: "64x64", type: "image/png" },
          { src: "pwa-192x192.png", sizes: "192x192", type: "image/png" },
          { src: "pwa-512x512.png", sizes: "512x512", type: "image/png" },
          { src: "maskable-icon-512x512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,png,ico,woff2}"],
        // The statistics page's chart and .xlsx libraries (1.5 MB) are for officers online, not for every phone.
        globIgnores: ["**/charts-*.js", "**/exceljs*.js", "**/xlsx-*.js"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: API_ROUTES,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  server: {
    proxy: { "/graphql": { target: "http://127.0.0.1:4000", ws: true }, "/health": "http://127.0.0.1:4000" },
  },
  build: { outDir: "dist", emptyOutDir: true },
});
