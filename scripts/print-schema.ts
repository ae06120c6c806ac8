// pnpm schema:print — writes schema/schema.graphql (sorted). A test fails when the file is stale.
import { writeFile } from "node:fs/promises";
import path from "node:path";

// Printing needs no database; db.ts only wants a URL to exist.
process.env.DATABASE_URL ??= "postgresql://unused@127.0.0.1:1/unused";
const { printedSchema, schemaFile } = await import("../api/src/schema/print.js");
await writeFile(schemaFile, printedSchema());
console.log(`Wrote ${path.relative(process.cwd(), schemaFile)}`);
process.exit(0);
