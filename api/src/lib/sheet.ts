// Spreadsheets in and out with exceljs (the maintained xlsx library for Node: streaming reader, writes
// real .xlsx): officers' import sheets (.xlsx, or .csv as Excel saves it: UTF-8 or GBK) and exports.
// A .csv is read with @fast-csv/parse, exceljs's own CSV parser, as a stream of rows: exceljs's csv.read
// builds a whole worksheet of cell objects first (a 10 MB CSV took 2.2 GB and 11 s before a row was seen).
import { Readable } from "node:stream";
import { parse as parseCsv } from "@fast-csv/parse";
import ExcelJS from "exceljs";
import JSZip from "jszip";

export interface SheetRow {
  /** 1-based row number as the spreadsheet shows it */
  row: number;
  cells: string[];
  /** columns (0-based) holding a formula the file kept no result for, or whose result is an error: read as "" */
  formulas?: number[];
}
export interface Sheet {
  header: string[];
  /** the header's row number (the first row that is not blank) */
  headerRow: number;
  rows: SheetRow[];
  /** more data rows than `maxRows`: the rest was not read */
  truncated: boolean;
}

export class SheetError extends Error {
  /** set when a row has more than MAX_COLUMNS columns: its row number */
  tooManyColumnsAt?: number;
}

/** Most columns a row may use (up to its last filled cell); a sheet of people has a dozen. */
export const MAX_COLUMNS = 200;

/**
 * What a formula cell reads as when the file kept no result for it (written by a program that does not
 * calculate) or its result is an error (#N/A): not a string, so no text in a file (a .csv) can pass for it.
 */
const NO_FORMULA_RESULT: unique symbol = Symbol("no formula result");

/** Text of a cell as a person reads it (numbers without exponent, rich text joined, formula results). */
function cellText(v: unknown): string | typeof NO_FORMULA_RESULT {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v.trim();
  // A number past 2^53 lost its last digits in the sheet (an ID number typed into a number cell): shown
  // as Excel shows it, 3.30602198808081E+17, so that it reads as no ID number rather than a wrong one.
  if (typeof v === "number") return Number.isSafeInteger(v) ? String(v) : Number.isInteger(v) ? v.toPrecision(15).replace(/\.?0+e/, "e").toUpperCase() : String(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown; formula?: unknown; sharedFormula?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join("").trim();
    if (o.error !== undefined) return NO_FORMULA_RESULT;
    if (o.formula !== undefined || o.sharedFormula !== undefined) return o.result === undefined || o.result === null ? NO_FORMULA_RESULT : cellText(o.result);
    if (o.result !== undefined) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
  }
  return "";
}

/** The most files an .xlsx may hold. */
const MAX_ZIP_ENTRIES = 1000;

/** The most a stored zip may expand to and still be deflated in memory before it is read. */
const STORED_REZIP_BYTES = 32 * 1024 * 1024;

async function deflated(data: Buffer): Promise<Buffer> {
  try {
    const zip = await JSZip.loadAsync(data);
    return await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 1 } });
  } catch (e) {
    throw new SheetError(`zip: ${(e as Error).message}`);
  }
}

const isZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * What the zip says its files expand to: an .xlsx bomb (a few MB expanding to GBs) is refused before
 * anything is inflated. Reads the central directory only.
 */
function declaredSizes(b: Buffer): { total: number; stored: boolean } {
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > b.length) throw new SheetError("zip");
  const entries = b.readUInt16LE(eocd + 10);
  // A workbook of people holds a few dozen files; 60,000 tiny worksheets ran the process out of open files
  // (exceljs keeps a temp file per worksheet that comes before workbook.xml).
  if (entries > MAX_ZIP_ENTRIES) throw new SheetError("zip entries");
  let at = b.readUInt32LE(eocd + 16);
  let total = 0;
  let stored = true;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > b.length || b.readUInt32LE(at) !== 0x02014b50) throw new SheetError("zip");
    const size = b.readUInt32LE(at + 24);
    if (size === 0xffffffff) throw new SheetError("zip64");
    total += size;
    // Compression method 0: stored, as some generators (SheetJS by default) write their zips. Only a zip
    // stored throughout is deflated before reading: nothing in it is inflated, whatever its headers say.
    if (b.readUInt16LE(at + 10) !== 0) stored = false;
    at += 46 + b.readUInt16LE(at + 28) + b.readUInt16LE(at + 30) + b.readUInt16LE(at + 32);
  }
  // jszip reads every central header up to the end record, and a 0xffff/0xffffffff field there as zip64: the
  // entries counted here must be all there are, or hidden ones (overlapping a stored blob) escape the sum.
  const first = b.readUInt32LE(eocd + 16);
  if (at !== eocd || b.readUInt32LE(eocd + 12) !== at - first || entries === 0xffff || first === 0xffffffff) throw new SheetError("zip");
  return { total, stored };
}

/** UTF-8 (with or without BOM) when it decodes as such, else GB18030 (what Chinese Excel saves CSV as). */
function decodeText(b: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(b);
  } catch {
    return new TextDecoder("gb18030").decode(b);
  }
}

/**
 * The separator of a .csv: a comma, or a tab or semicolon when the first line has more of those (a sheet
 * saved as "text (tab-separated)" or in a locale that separates with ";", renamed .csv).
 */
function delimiterOf(text: string): string {
  const first = text.slice(0, 4096).split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  const count = (c: string) => first.split(c).length - 1;
  return [",", "\t", ";"].reduce((best, c) => (count(c) > count(best) ? c : best), ",");
}

/** The first worksheet of an .xlsx, or a .csv: the header row and up to `maxRows` data rows (blank rows skipped). */
export async function readSheet(data: Buffer, opts: { maxRows: number; maxUncompressedBytes?: number }): Promise<Sheet> {
  const rows: SheetRow[] = [];
  let header: string[] | null = null;
  let headerRow = 1;
  let truncated = false;
  const take = (number: number, values: unknown[]): boolean => {
    let end = values.length;
    while (end > 0 && (values[end - 1] === undefined || values[end - 1] === null || values[end - 1] === "")) end--;
    if (end > MAX_COLUMNS) throw Object.assign(new SheetError("columns"), { tooManyColumnsAt: number });
    const texts = values.slice(0, end).map(cellText);
    const formulas = texts.flatMap((c, i) => (c === NO_FORMULA_RESULT ? [i] : []));
    const cells = texts.map((c) => (c === NO_FORMULA_RESULT ? "" : c));
    if (!cells.some((c) => c !== "") && !formulas.length) return true;
    if (!header) {
      header = cells;
      headerRow = number;
      return true;
    }
    if (rows.length >= opts.maxRows) {
      truncated = true;
      return false;
    }
    rows.push(formulas.length ? { row: number, cells, formulas } : { row: number, cells });
    return true;
  };
  if (isZip(data)) {
    const sizes = declaredSizes(data);
    if (sizes.total > (opts.maxUncompressedBytes ?? 200 * 1024 * 1024)) throw new SheetError("too large");
    // exceljs's streaming reader sometimes stops after a stored (uncompressed) worksheet that comes before
    // the shared strings (about one read in two): such a file is deflated first, in memory, as it is small
    // (stored throughout, it is no larger than the upload).
    if (sizes.stored && sizes.total <= STORED_REZIP_BYTES) data = await deflated(data);
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(data), { sharedStrings: "cache", hyperlinks: "ignore", styles: "ignore", worksheets: "emit", entries: "ignore" });
    let worksheets = 0;
    let failure: SheetError | null = null;
    try {
      sheets: for await (const ws of reader) {
        worksheets++;
        for await (const row of ws) {
          // row.values is 1-based (index 0 unused)
          const values = (row.values as unknown[]).slice(1);
          if (!take(row.number, values)) break sheets;
        }
        break;
      }
    } catch (e) {
      if (e instanceof SheetError) throw e;
      failure = new SheetError(`xlsx: ${(e as Error).message}`);
    }
    // A zip that is no workbook (a .docx, photos zipped) holds no worksheet: unreadable, not an empty sheet.
    if (!worksheets && !failure) failure = new SheetError("xlsx: no worksheet");
    if (failure) {
      // The streaming reader still gives up on some small files it should read (a CI run of the six-read test
      // failed once after the deflating above): a file small enough is read again whole, from the start.
      if (sizes.total > STORED_REZIP_BYTES) throw failure;
      rows.length = 0;
      header = null;
      truncated = false;
      const book = new ExcelJS.Workbook();
      try {
        await book.xlsx.load(data as unknown as ArrayBuffer);
      } catch {
        throw failure;
      }
      const ws = book.worksheets[0];
      if (!ws) throw failure;
      for (let n = 1; n <= ws.rowCount; n++) {
        const row = ws.getRow(n);
        if (!take(n, (row.values as unknown[]).slice(1))) break;
      }
    }
  } else {
    if (data.subarray(0, 8).includes(0)) throw new SheetError("binary");
    const text = decodeText(data);
    // Fed in pieces, so the parser holds a few rows at a time and stops where we stop.
    const pieces = function* () {
      for (let i = 0; i < text.length; i += 65_536) yield text.slice(i, i + 65_536);
    };
    let number = 0;
    try {
      for await (const record of Readable.from(pieces()).pipe(parseCsv({ ignoreEmpty: false, trim: false, delimiter: delimiterOf(text) }))) {
        if (!take(++number, record as string[])) break;
      }
    } catch (e) {
      if (e instanceof SheetError) throw e;
      throw new SheetError(`csv: ${(e as Error).message}`);
    }
  }
  return { header: header ?? [], headerRow, rows, truncated };
}

/** One worksheet as an .xlsx. Text is stored as text (a value starting with = never becomes a formula). */
export async function writeXlsx(sheetName: string, header: string[], rows: (string | number | null)[][], widths?: number[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "邻舍 Linshe";
  const ws = wb.addWorksheet(sheetName, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = header.map((h, i) => ({ header: h, width: widths?.[i] ?? Math.max(10, h.length * 2 + 2) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r.map((v) => (v === null ? "" : v)));
  // Phones and ID numbers stay text, never numbers in scientific notation.
  return Buffer.from(await wb.xlsx.writeBuffer());
}
