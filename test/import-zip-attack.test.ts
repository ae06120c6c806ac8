// An outside tester on the stored-zip path of lib/sheet.ts (a stored .xlsx is deflated with jszip before it is
// read): zips whose end record and central directory disagree.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { readSheet, SheetError } from "../api/src/lib/sheet.js";
import { gqlWithFiles, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
});
afterAll(() => app?.stop());

/**
 * n stored entries whose local headers come back to back before one blob: each entry runs from its header to
 * the blob's end, so n entries read n copies of the blob. The end record claims `claimed` entries.
 */
function overlapping(n: number, blob: Buffer, claimed: number): Buffer {
  const heads: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const name = Buffer.from(`x${i}.xml`);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(name.length, 26);
    offsets.push(at);
    heads.push(h, name);
    at += 30 + name.length;
  }
  const end = at + blob.length;
  const central: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const name = Buffer.from(`x${i}.xml`);
    const h = Buffer.alloc(46);
    const size = end - (offsets[i]! + 30 + name.length);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(20, 6); // method (offset 10) 0: stored
    h.writeUInt32LE(size, 20);
    h.writeUInt32LE(size, 24);
    h.writeUInt16LE(name.length, 28);
    h.writeUInt32LE(offsets[i]!, 42);
    central.push(h, name);
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(claimed, 8);
  eocd.writeUInt16LE(claimed, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(end, 16);
  return Buffer.concat([...heads, blob, cd, eocd]);
}

describe("a stored zip whose end record hides central directory entries", () => {
  // The size check read as many entries as the end record claims; jszip reads every central header that follows.
  // 100 hidden entries over a 1 MB blob took 10 s and 430 MB RSS to re-zip; 2,000 over 9 MB would take 18 GB.
  it("is refused before anything is re-zipped", async () => {
    const file = overlapping(3, Buffer.alloc(1024, 0x41), 1);
    await expect(readSheet(file, { maxRows: 10 })).rejects.toBeInstanceOf(SheetError);
  });

  it("answers 无法读取该文件 to the officer", async () => {
    const r = await gqlWithFiles(app, `mutation ($i: ImportVolunteersInput!) { importVolunteers(input: $i) { userErrors { code message field } } }`,
      { i: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { i: { name: "队员.xlsx", content: new Uint8Array(overlapping(3, Buffer.alloc(1024, 0x41), 1)) as Uint8Array<ArrayBuffer> } }, officer);
    expect(r.errors).toBeUndefined();
    expect(r.data!.importVolunteers.userErrors).toEqual([expect.objectContaining({ code: "VALIDATION", message: expect.stringContaining("无法读取该文件") })]);
  });
});

describe("a zip of thousands of tiny files", () => {
  // 60,000 tiny worksheets ran the process out of open files (exceljs keeps a temp file per worksheet read
  // before workbook.xml). An .xlsx of people holds a few dozen files: more than 1,000 is refused at once.
  it("is refused before exceljs opens any", async () => {
    // jszip as exceljs has it (a dependency of the API, not of the tests).
    const JSZip = createRequire(createRequire(import.meta.url).resolve("exceljs"))("jszip") as new () => { file(name: string, data: string): void; generateAsync(o: object): Promise<Buffer> };
    const zip = new JSZip();
    for (let i = 1; i <= 1001; i++) zip.file(`xl/worksheets/sheet${i}.xml`, "<a/>");
    const file = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    await expect(readSheet(file, { maxRows: 10 })).rejects.toThrow(/zip entries/);
  });
});

describe("a zip that is no workbook", () => {
  // A zip of one text file, stored or deflated, read as an empty sheet: the officer was told the columns were
  // missing instead of that the file could not be read.
  const JSZip = () => new (createRequire(createRequire(import.meta.url).resolve("exceljs"))("jszip") as new () => { file(name: string, data: string): void; generateAsync(o: object): Promise<Buffer> })();
  for (const compression of ["STORE", "DEFLATE"]) {
    it(`(${compression}) answers 无法读取该文件`, async () => {
      const zip = JSZip();
      zip.file("hello.txt", "姓名,手机号\n张三,13800000000\n");
      const file = await zip.generateAsync({ type: "nodebuffer", compression });
      await expect(readSheet(file, { maxRows: 10 })).rejects.toBeInstanceOf(SheetError);
      const r = await gqlWithFiles(app, `mutation ($i: ImportVolunteersInput!) { importVolunteers(input: $i) { userErrors { code message field } } }`,
        { i: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { i: { name: "队员.xlsx", content: new Uint8Array(file) as Uint8Array<ArrayBuffer> } }, officer);
      expect(r.data!.importVolunteers.userErrors).toEqual([expect.objectContaining({ code: "VALIDATION", message: expect.stringContaining("无法读取该文件") })]);
    });
  }
});
