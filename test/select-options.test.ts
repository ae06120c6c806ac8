// A <select value={…}> whose options are rendered after the value is set shows its first option while
// the form sends another value (seen on edit forms and on lists that load later). Each option of a
// controlled select therefore says whether it is selected; this scan keeps it so.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const WEB = path.resolve(import.meta.dirname, "../web/src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".tsx") && !e.name.endsWith(".test.tsx") ? [path.join(dir, e.name)] : [],
  );
}

/** Options of controlled selects without `selected=`, as "file: option" lines. */
export function unmarkedOptions(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/<select\b[\s\S]*?<\/select>/g)) {
    const block = m[0];
    const firstOption = block.indexOf("<option");
    const opening = firstOption < 0 ? block : block.slice(0, firstOption);
    if (!/\svalue=\{/.test(opening)) continue;
    for (const o of block.matchAll(/<option\b[^>]*>/g)) if (!o[0].includes("selected=")) found.push(`${path.relative(WEB, file)}: ${o[0]}`);
  }
  return found;
}

describe("controlled selects", () => {
  it("mark the selected option on every option", () => {
    const files = sources(WEB);
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => unmarkedOptions(f, readFileSync(f, "utf8")))).toEqual([]);
  });

  it("the scan finds an unmarked option", () => {
    expect(unmarkedOptions(`${WEB}/x.tsx`, `<select value={v()}><option value="a">A</option><option value="b" selected={v() === "b"}>B</option></select>`)).toHaveLength(1);
  });
});
