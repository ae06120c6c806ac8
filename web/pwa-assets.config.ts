// Icons of the installable app, made from public/icon.svg by @vite-pwa/assets-generator (sharp):
// `pnpm --filter @linshe/web icons` rewrites the PNGs in public/ (committed, so builds need no sharp).
import { defineConfig, minimal2023Preset } from "@vite-pwa/assets-generator/config";

export default defineConfig({
  headLinkOptions: { preset: "2023" },
  preset: { ...minimal2023Preset, maskable: { ...minimal2023Preset.maskable, resizeOptions: { background: "#b3261e" } }, apple: { ...minimal2023Preset.apple, resizeOptions: { background: "#b3261e" } } },
  images: ["public/icon.svg"],
});
