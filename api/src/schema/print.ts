import path from "node:path";
import { lexicographicSortSchema, printSchema } from "graphql";
import { repoRoot } from "../infra/migrations.js";
import { schema } from "./index.js";

export const schemaFile = path.join(repoRoot, "schema/schema.graphql");

export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
