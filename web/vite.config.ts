import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// `pnpm dev` proxies the API (pnpm dev:api on :4000) so the app and /graphql share an origin.
export default defineConfig({
  plugins: [solid()],
  server: {
    proxy: { "/graphql": { target: "http://127.0.0.1:4000", ws: true }, "/health": "http://127.0.0.1:4000" },
  },
  build: { outDir: "dist", emptyOutDir: true },
});
