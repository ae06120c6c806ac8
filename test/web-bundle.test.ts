// The web build (web/dist, built before the suite): what a phone downloads before the first page.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dist = path.resolve(import.meta.dirname, "../web/dist");
const persisted = path.resolve(import.meta.dirname, "../web/src/gql/persisted-documents.json");
const hashes = (code: string) => new Set(code.match(/sha256:[0-9a-f]{64}/g) ?? []);

describe.skipIf(!existsSync(path.join(dist, "index.html")))("web build", () => {
  it("loads at start-up only the typed documents the app shell uses; every document is still in the build", () => {
    const html = readFileSync(path.join(dist, "index.html"), "utf8");
    const first = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(first.length).toBeGreaterThan(0);
    const atStart = new Set(first.flatMap((f) => [...hashes(readFileSync(path.join(dist, f), "utf8"))]));
    // Sign-in, sign-out, the viewer, the unread count and its subscription (web/vite.config.ts splits them).
    expect(atStart.size).toBeLessThanOrEqual(8);
    const all = new Set(readdirSync(path.join(dist, "assets")).filter((f) => f.endsWith(".js")).flatMap((f) => [...hashes(readFileSync(path.join(dist, "assets", f), "utf8"))]));
    const known = Object.keys(JSON.parse(readFileSync(persisted, "utf8")) as Record<string, string>);
    expect([...all].sort()).toEqual(known.sort());
  });
});
