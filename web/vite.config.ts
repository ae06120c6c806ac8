import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import solid from "vite-plugin-solid";

// The API's own routes: never answered by the service worker's app shell.
const API_ROUTES = [/^\/graphql/, /^\/livez/, /^\/readyz/, /^\/health/, /^\/metrics/];

// `pnpm dev` proxies the API (pnpm dev:api on :4000) so the app and /graphql share an origin.
export default defineConfig({
  plugins: [
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
