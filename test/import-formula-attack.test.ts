// An outside tester on formula cells in imports (lib/sheet.ts NO_FORMULA_RESULT): sheets a careless officer
// uploads, and what the report and the database then hold.
import { createRequire } from "node:module";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
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

const IMPORT = `mutation ($importVolunteers: ImportVolunteersInput!) { importVolunteers(input: $importVolunteers) {
  report { rowsRead rowsToCreate errorCount committed created errors { row column message } }
  userErrors { code message field } } }`;
const FORMULA = "是公式且文件里没有保存计算结果（或结果是错误值）：请在 Excel 中打开、保存后再导入，或把该列粘贴为数值";

async function xlsx(build: (ws: ExcelJS.Worksheet) => void) {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet("队员"));
  return { name: "队员.xlsx", content: new Uint8Array(Buffer.from(await wb.xlsx.writeBuffer())) as Uint8Array<ArrayBuffer> };
}
const send = (file: { name: string; content: Uint8Array<ArrayBuffer> | string; type?: string }, dryRun = true, headers: Record<string, string> = {}) =>
  gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun } }, { importVolunteers: file }, officer, headers);

describe("formula cells in an import", () => {
  // A template made by a program (no saved results) with a check column of formulas down to row 30: the
  // rows nobody filled are blank to the officer, as they were before formulas were named.
  it("a formula in a column the import does not use leaves a row nobody filled blank", async () => {
    const file = await xlsx((ws) => {
      ws.addRow(["姓名", "手机号", "核对"]);
      ws.addRow(["模板甲", "15730000001"]);
      for (let r = 2; r <= 30; r++) ws.getCell(`C${r}`).value = { formula: `LEN(B${r})` } as ExcelJS.CellFormulaValue;
    });
    const r = await send(file);
    expect(r.errors).toBeUndefined();
    expect(r.data!.importVolunteers.report).toMatchObject({ rowsToCreate: 1, errorCount: 0, errors: [] });
  });

  it("shared formulas, a header cell that is a formula, a row of formulas, an error result: named once each, nothing saved with dryRun false", async () => {
    const file = await xlsx((ws) => {
      ws.getCell("A1").value = { formula: `"姓名"` } as ExcelJS.CellFormulaValue; // header without a result
      ws.getCell("B1").value = "手机号";
      ws.getRow(2).values = ["姓名", "手机号", "身份证号"];
      ws.getRow(3).values = ["公式甲", "15730000011"];
      ws.getCell("A4").value = { formula: "A3" } as ExcelJS.CellFormulaValue;
      ws.getCell("B4").value = { formula: "B3+1" } as ExcelJS.CellFormulaValue;
      ws.getCell("C4").value = { formula: "C3" } as ExcelJS.CellFormulaValue;
      ws.getCell("A5").value = { sharedFormula: "A4" } as unknown as ExcelJS.CellFormulaValue;
      ws.getCell("B5").value = "15730000013";
      ws.getCell("A6").value = "公式丁";
      ws.getCell("B6").value = { formula: "VLOOKUP(1,X1:X2,1)", result: { error: "#N/A" } } as ExcelJS.CellFormulaValue;
    });
    const r = await send(file, false);
    expect(r.errors).toBeUndefined();
    const report = r.data!.importVolunteers.report;
    expect(report).toMatchObject({ committed: false, created: 0 });
    expect(JSON.stringify(report)).not.toContain("\\u0000");
    expect(JSON.stringify(report)).not.toContain("#FORMULA");
    expect(report.errors.filter((e: { message: string }) => e.message === FORMULA).map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [4, "姓名"], [4, "手机号"], [4, "身份证号"], [5, "姓名"], [6, "手机号"],
    ]);
    expect(await prisma.enrollment.count({ where: { phone: { in: ["15730000011", "15730000013"] } } })).toBe(0);
  });

  it("in English, and a calculated result (a number, a date's serial, text) reads as the result", async () => {
    const file = await xlsx((ws) => {
      ws.addRow(["Name", "Phone"]);
      ws.getCell("A2").value = { formula: `"Formula A"`, result: "Formula A" } as ExcelJS.CellFormulaValue;
      ws.getCell("B2").value = { formula: "15730000021", result: 15730000021 } as ExcelJS.CellFormulaValue;
      ws.getCell("A3").value = "Formula B";
      ws.getCell("B3").value = { formula: "B2+1" } as ExcelJS.CellFormulaValue;
    });
    const r = await send(file, true, { "accept-language": "en" });
    expect(r.errors).toBeUndefined();
    expect(r.data!.importVolunteers.report).toMatchObject({ rowsToCreate: 1, errorCount: 1 });
    expect(r.data!.importVolunteers.report.errors).toEqual([{ row: 3, column: "Phone", message: "A formula without a saved result (or with an error): open and save the file in Excel, or paste the column as values" }]);
  });

  // A .csv holds no formulas: a cell that is the sentinel's text is a control character, said as such.
  it("a .csv cell whose text is the sentinel is refused as a control character, not called a formula", async () => {
    const content = `姓名,手机号,备注\r\n文本甲,15730000031,\u0000#FORMULA\r\n\u0000#FORMULA,15730000032,\r\n`;
    const r = await send({ name: "t.csv", content, type: "text/csv" }, false);
    expect(r.errors).toBeUndefined();
    const report = r.data!.importVolunteers.report;
    expect(report.errors).toEqual([
      { row: 2, column: null, message: "含有控制字符" },
      { row: 3, column: null, message: "含有控制字符" },
    ]);
    expect(report.committed).toBe(false);
  });

  // Not a formula, found on the way: a cell written as an inline string of several runs (<is><r><t>张</t></r>
  // <r><t>三</t></r></is>, as streaming writers such as Apache POI's SXSSF write rich text) was read by
  // exceljs's streaming reader as its last run only (三 saved as the name), and one with a phonetic reading
  // (<rPh>) as that reading. patches/exceljs@4.4.0.patch joins the runs and skips the reading.
  it("an inline string of several runs reads as all its text, and without its phonetic reading", async () => {
    const file = await xlsx((ws) => {
      ws.addRow(["姓名", "手机号"]);
      ws.addRow(["PLACEHOLDER", "15730000041"]);
      ws.addRow(["PLACEHOLDER", "15730000042"]);
    });
    // jszip is exceljs's own zip library.
    const JSZip = createRequire(createRequire(import.meta.url).resolve("exceljs"))("jszip") as { loadAsync(b: Uint8Array): Promise<any> };
    const zip = await JSZip.loadAsync(file.content);
    const xml: string = await zip.file("xl/worksheets/sheet1.xml").async("string");
    const runs = xml
      .replace(/<c r="A2"[^>]*>.*?<\/c>/, '<c r="A2" t="inlineStr"><is><r><t>张</t></r>\n<r><rPr><b/></rPr><t>三</t></r></is></c>')
      .replace(/<c r="A3"[^>]*>.*?<\/c>/, '<c r="A3" t="inlineStr"><is><t>李四</t><rPh sb="0" eb="2"><t>LiSi</t></rPh></is></c>');
    zip.file("xl/worksheets/sheet1.xml", runs);
    // Deflated, as Excel and WPS write: exceljs's streaming reader sometimes stops short on a stored (uncompressed) zip.
    const r = await send({ name: "队员.xlsx", content: new Uint8Array(await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" })) as Uint8Array<ArrayBuffer> }, false);
    expect(r.data!.importVolunteers.report).toMatchObject({ committed: true, created: 2 });
    expect((await prisma.enrollment.findFirstOrThrow({ where: { phone: "15730000041" } })).name).toBe("张三");
    expect((await prisma.enrollment.findFirstOrThrow({ where: { phone: "15730000042" } })).name).toBe("李四");
  });
});

describe("a stored (uncompressed) .xlsx, as SheetJS writes by default", () => {
  // exceljs's streaming reader stopped after the worksheet in about one read in two (无法读取该文件): a stored
  // zip is now deflated before it is read (lib/sheet.ts). Six reads: all six must succeed.
  it("is read every time", async () => {
    const file = await xlsx((ws) => {
      ws.addRow(["姓名", "手机号"]);
      ws.addRow(["存储格式", "15730000051"]);
    });
    const JSZip = createRequire(createRequire(import.meta.url).resolve("exceljs"))("jszip") as { loadAsync(b: Uint8Array): Promise<any> };
    const stored = (await (await JSZip.loadAsync(file.content)).generateAsync({ type: "nodebuffer", compression: "STORE" })) as Buffer;
    for (let i = 0; i < 6; i++) {
      const r = await send({ name: "队员.xlsx", content: new Uint8Array(stored) as Uint8Array<ArrayBuffer> });
      expect(r.data!.importVolunteers.userErrors).toEqual([]);
      expect(r.data!.importVolunteers.report).toMatchObject({ rowsRead: 1, rowsToCreate: 1, errorCount: 0 });
    }
  });
});
