// .xlsx exports with exceljs, loaded on demand. Each sheet names the station and the period above the
// table, so a file forwarded on its own still says what it counts.
export interface SheetSpec {
  name: string;
  title: string;
  period: string;
  columns: string[];
  rows: (string | number)[][];
}

export async function workbook(sheets: SheetSpec[]): Promise<Blob> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "Linshe 邻舍";
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name.slice(0, 31));
    ws.addRow([s.title]).font = { bold: true, size: 14 };
    ws.addRow([s.period]);
    ws.addRow([]);
    ws.addRow(s.columns).font = { bold: true };
    for (const r of s.rows) ws.addRow(r);
    s.columns.forEach((c, i) => (ws.getColumn(i + 1).width = Math.max(10, c.length * 2 + 2)));
  }
  const buf = await wb.xlsx.writeBuffer();
  return new Blob([buf], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
}

export { download } from "./download";
