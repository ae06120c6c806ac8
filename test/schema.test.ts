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

describe("each enum has one source, Prisma's", () => {
  it("every GraphQL enum named like a Prisma enum has exactly its values (AgreementStatus adds the computed SCHEDULED)", async () => {
    const E = await import("../api/src/generated/prisma/enums.js");
    const { schema } = await import("../api/src/schema/index.js");
    const extra: Record<string, string[]> = { AgreementStatus: ["SCHEDULED"] };
    const shared = Object.keys(E).filter((name) => schema.getType(name));
    expect(shared.length).toBeGreaterThan(30);
    for (const name of shared) {
      const gql = schema.getType(name) as import("graphql").GraphQLEnumType;
      const prisma = Object.values((E as Record<string, Record<string, string>>)[name]!);
      expect(gql.getValues().map((v) => v.name).sort(), name).toEqual([...prisma, ...(extra[name] ?? [])].sort());
    }
  });

  it("no module spells a Prisma enum's values again: its GraphQL enum is built from the Prisma object, its zod list from enumValues", async () => {
    const E = await import("../api/src/generated/prisma/enums.js");
    const { readdir } = await import("node:fs/promises");
    const files = (await readdir("api/src/modules", { recursive: true })).filter((f) => f.endsWith(".ts")).map((f) => `api/src/modules/${f}`);
    // Same values, another meaning: the leaderboard's Period is no ObligationPeriod.
    const otherMeaning = new Set(["api/src/modules/points/points.type.ts: a literal list of every ObligationPeriod"]);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(file, "utf8");
      for (const name of Object.keys(E)) {
        if (text.includes(`builder.enumType("${name}"`)) offenders.push(`${file}: builder.enumType("${name}") instead of E.${name}`);
      }
      // A literal list with every value of a Prisma enum (zod's or a constant) is a second source.
      for (const [, list] of text.matchAll(/\[((?:\s*"[A-Z][A-Z0-9_]*",?)+)\s*\]/g)) {
        const values = new Set([...list!.matchAll(/"(\w+)"/g)].map((m) => m[1]));
        for (const [name, e] of Object.entries(E as Record<string, Record<string, string>>)) {
          const all = Object.values(e);
          if (all.length > 1 && all.length === values.size && all.every((v) => values.has(v))) offenders.push(`${file}: a literal list of every ${name}`);
        }
      }
    }
    expect(offenders.filter((o) => !otherMeaning.has(o))).toEqual([]);
  });
});
