// In production the API runs only the web app's trusted documents (api/src/graphql/trusted-documents.ts):
// a mutation or subscription that no web document uses cannot be called by anyone there. A tester found
// exactly that (no one could change a password or activate an account), so every one must be used by
// a web document, or be named below with the reason it is API-only. Database-free.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, parse, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { MANIFEST } from "../api/src/graphql/trusted-documents.js";

const root = path.resolve(import.meta.dirname, "..");
const schema = buildSchema(readFileSync(path.join(root, "schema/schema.graphql"), "utf8"));

/**
 * Not reachable in production without ALLOW_ARBITRARY_OPERATIONS=1 (integrators, CLI, bench). Each line
 * says why; remove a line when a web page starts using it (the test says so).
 */
const API_ONLY: Record<string, string> = {
  // Officer tooling without a web screen yet: used through the API (tests, scripts) only. Each is a
  // gap in the web app, listed so that it is a decision and not an accident.
};

/** `mutation.name` / `subscription.name` of every root field the documents select. */
function rootFields(sources: string[]): Set<string> {
  const used = new Set<string>();
  for (const source of sources) {
    for (const d of parse(source).definitions) {
      if (d.kind !== "OperationDefinition" || d.operation === "query") continue;
      for (const s of (d as OperationDefinitionNode).selectionSet.selections) if (s.kind === "Field" && s.name.value !== "__typename") used.add(`${d.operation}.${s.name.value}`);
    }
  }
  return used;
}

const opsDir = path.join(root, "schema/operations");
const operations = readdirSync(opsDir)
  .filter((f) => f.endsWith(".graphql"))
  .map((f) => readFileSync(path.join(opsDir, f), "utf8"));
const manifest = Object.values(JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>);

const inSchema = [
  ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((n) => `mutation.${n}`),
  ...Object.keys(schema.getSubscriptionType()?.getFields() ?? {}).map((n) => `subscription.${n}`),
].sort();

describe("trusted documents cover the API", () => {
  it("the manifest the API trusts holds what schema/operations selects (else run `pnpm --filter @linshe/web codegen`)", () => {
    expect([...rootFields(manifest)].sort()).toEqual([...rootFields(operations)].sort());
  });

  it("every mutation and subscription is used by a web document, or listed as API-only with a reason", () => {
    const used = rootFields(manifest);
    const unreachable = inSchema.filter((f) => !used.has(f) && !(f in API_ONLY));
    expect(unreachable, "no trusted document uses these: add the web screen (or an API_ONLY line saying why)").toEqual([]);
  });

  it("the allow-list names only fields that exist and that no web document uses yet", () => {
    const used = rootFields(manifest);
    expect(Object.keys(API_ONLY).filter((f) => !inSchema.includes(f)), "not in the schema").toEqual([]);
    expect(Object.keys(API_ONLY).filter((f) => used.has(f)), "used by the web now: remove from API_ONLY").toEqual([]);
  });
});
