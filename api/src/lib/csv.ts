// CSV for spreadsheets. A text cell that a spreadsheet would read as a formula (=, +, -, @, or a
// leading tab or carriage return) gets a leading apostrophe, so text from users never runs as a
// formula; and every text cell is quoted, so a spreadsheet that splits on ";" (its separator in many
// locales) cannot cut a cell into a new one that starts with "=".
const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(v: string | number): string {
  if (typeof v === "number") return String(v);
  const s = FORMULA.test(v) ? `'${v}` : v;
  return `"${s.replace(/"/g, '""')}"`;
}

/** Rows to CSV, UTF-8 with a byte-order mark so Excel opens it as UTF-8. */
export function toCsv(rows: (string | number)[][]): string {
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
