import { defineConfig } from "prisma/config";

// Only `prisma generate` / `prisma validate` use this file: migrations run through
// scripts/migrate.ts (Prisma's Wasm schema engine), see README.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
