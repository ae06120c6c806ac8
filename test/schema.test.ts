import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { printedSchema, schemaFile } from "../api/src/schema/print.js";

describe("printed schema", () => {
  it("schema/schema.graphql matches the code (run `pnpm schema:print` after changing the API)", async () => {
    const committed = await readFile(schemaFile, "utf8");
    expect(committed === printedSchema(), "schema/schema.graphql is stale: run `pnpm schema:print`").toBe(true);
  });

  it("every mutation takes one input and returns a payload with userErrors", () => {
    const sdl = printedSchema();
    const mutation = /type Mutation \{([\s\S]*?)\n\}/.exec(sdl)![1]!;
    const fields = [...mutation.matchAll(/^\s{2}(\w+)\((.*?)\): (\w+)/gm)];
    expect(fields.length).toBeGreaterThan(5);
    for (const [, name, args, payload] of fields) {
      const Name = name![0]!.toUpperCase() + name!.slice(1);
      expect(args).toBe(`input: ${Name}Input!`);
      expect(payload).toBe(`${Name}Payload`);
      expect(sdl).toMatch(new RegExp(`type ${Name}Payload \\{[^}]*userErrors: \\[UserError!\\]!`));
    }
  });
});
