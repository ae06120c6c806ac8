// CSV for spreadsheets. A cell that a spreadsheet would read as a formula (=, +, -, @, or a leading
// tab or carriage return) gets a leading apostrophe, so text from users never runs as a formula.
const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === "string" && FORMULA.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV, UTF-8 with a byte-order mark so Excel opens it as UTF-8. */
export function toCsv(rows: (string | number)[][]): string {
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
