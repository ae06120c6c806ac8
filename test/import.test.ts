// 批量导入: an officer's sheet becomes registrations with activation codes, all or nothing. A dry run
// reports every bad row (row number, column, reason in Chinese) and saves nothing; officers of another
// station, leaders and volunteers import nothing; a phone known elsewhere is neither revealed nor attached.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import ExcelJS from "exceljs";
import { readSheet, writeXlsx } from "../api/src/lib/sheet.js";
import { idNumberValid } from "../api/src/modules/member/import.service.js";
import { gql, gqlWithFiles, signIn, startApp } from "./support/client.js";
import { createVolunteer, DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
const t: Record<string, string> = {};
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  t.officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  t.leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  t.otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
  t.volunteer = await signIn(app, "13800000150");
});
afterAll(() => app?.stop());

const IMPORT = `mutation ($importVolunteers: ImportVolunteersInput!) { importVolunteers(input: $importVolunteers) {
  report { rowsRead rowsToCreate errorCount committed created errors { row column message } codesFile { filename base64 } }
  userErrors { code message field } } }`;
const ACTIVATE = `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { token userErrors { code field } } }`;

/** A valid 18-character ID number (GB 11643 check character) from 17 digits. */
function idNumber(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((s, x, i) => s + x * Number(first17[i]), 0);
  return first17 + "10X98765432"[sum % 11];
}

const HEADER = ["姓名", "手机号", "身份证号", "小队", "特长", "共建单位"];
const good = (i: number) => [`导入队员${i}`, String(15700000000 + i), idNumber(`3306811990010${String(1000 + i).slice(-4)}`), "警民夜巡", "夜巡、反诈", ""];
const csv = (rows: string[][]) => [HEADER, ...rows].map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n");

async function upload(rows: string[][], dryRun: boolean, token = t.officer, asXlsx = false, teamId = gid("Team", demo.haolinshe.id)) {
  const file = asXlsx
    ? { name: "队员.xlsx", content: new Uint8Array(await writeXlsx("队员", HEADER, rows)) }
    : { name: "队员.csv", content: csv(rows), type: "text/csv" };
  return gqlWithFiles(app, IMPORT, { importVolunteers: { teamId, dryRun } }, { importVolunteers: file }, token);
}

describe("importing volunteers", () => {
  const rows = Array.from({ length: 40 }, (_, i) => good(i));
  const broken = rows.map((r) => [...r]);
  broken[4]![1] = "1570000"; // row 6: too short
  broken[9]![1] = rows[2]![1]!; // row 11: same phone as row 4
  broken[14]![2] = rows[14]![2]!.slice(0, 17) + (rows[14]![2]!.endsWith("0") ? "1" : "0"); // row 16: check digit
  broken[19]![3] = "不存在的小队"; // row 21
  broken[24]![4] = "飞行"; // row 26
  broken[29]![1] = "13800000150"; // row 31: already in this team

  it("previews every bad row with its row number, column and a Chinese reason, and saves nothing", async () => {
    const before = await prisma.enrollment.count();
    const r = await upload(broken, true);
    expect(r.errors).toBeUndefined();
    const report = r.data!.importVolunteers.report;
    expect(report).toMatchObject({ rowsRead: 40, rowsToCreate: 34, errorCount: 6, committed: false, created: 0, codesFile: null });
    expect(report.errors).toEqual([
      { row: 6, column: "手机号", message: "手机号格式不正确（应为11位手机号）" },
      { row: 11, column: "手机号", message: "与第4行手机号重复" },
      { row: 16, column: "身份证号", message: "身份证号校验位不正确" },
      { row: 21, column: "小队", message: "本队没有“不存在的小队”小队" },
      { row: 26, column: "特长", message: "未知特长“飞行”" },
      { row: 31, column: "手机号", message: "已是本队队员" },
    ]);
    expect(await prisma.enrollment.count()).toBe(before);
  });

  it("names the other row problems (hidden characters, names too long or missing, a malformed ID number, an unknown partner, people the station already has) and forgives repeats and +86", async () => {
    const other = await prisma.team.create({ data: { stationId: demo.fushan.id, name: "导入测试二队" } });
    const elsewhere = await createVolunteer({ teamId: other.id });
    const pending = await createVolunteer();
    await prisma.teamMembership.create({ data: { teamId: demo.haolinshe.id, volunteerId: pending.id, status: "PENDING" } });
    const header = ["姓名", "显示名", "手机号", "身份证号", "小队", "特长", "共建单位"];
    const sheet = [
      ["控制\u0007字符", "", "15710000002", "", "", "", ""],
      ["方向\u202E字符", "", "15710000003", "", "", "", ""],
      ["", "", "15710000004", "", "", "", ""],
      ["长".repeat(41), "", "15710000005", "", "", "", ""],
      ["正常", "显".repeat(41), "15710000006", "", "", "", ""],
      ["身份证", "", "15710000007", "33068119900101", "", "", ""],
      ["某单位", "", "15710000008", "", "", "", "不存在的单位"],
      ["重复写", "老周", "+86 157-1000-0009", "", "警民夜巡、警民夜巡", "夜巡,night_patrol", "府山物业联合会"],
      ["待审核", "", pending.phone, "", "", "", ""],
      ["二队的", "", elsewhere.phone, "", "", "", ""],
    ];
    const content = [header, ...sheet].map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n");
    const r = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: { name: "b.csv", content } }, t.officer);
    expect(r.data!.importVolunteers.report).toMatchObject({ rowsRead: 10, rowsToCreate: 1, errorCount: 9, committed: false });
    expect(r.data!.importVolunteers.report.errors).toEqual([
      { row: 2, column: null, message: "含有控制字符" },
      { row: 3, column: null, message: "含有不可见字符或文字方向控制符" },
      { row: 4, column: "姓名", message: "姓名不能为空" },
      // A blank display name is the name: its length is reported once, under 姓名.
      { row: 5, column: "姓名", message: "姓名最多40个字" },
      { row: 6, column: "显示名", message: "显示名最多40个字" },
      { row: 7, column: "身份证号", message: "身份证号格式不正确（应为18位；在Excel中请把该列设为文本）" },
      { row: 8, column: "共建单位", message: "本所没有共建单位“不存在的单位”" },
      { row: 10, column: "手机号", message: "已申请加入本队，请在“待审核”中处理" },
      { row: 11, column: "手机号", message: "已是本所义警（在其他队伍），请在成员列表中把他加入本队" },
    ]);
  });

  it("names an ID number twice in the sheet, or one the station already has under another phone; reads full-width digits; quotes a long cell short; an ID typed as a number in .xlsx asks for a text column", async () => {
    const member = await createVolunteer({ teamId: demo.haolinshe.id });
    const memberId = idNumber("33068119800202555");
    await prisma.volunteer.update({ where: { id: member.id }, data: { idNumber: memberId } });
    const pendingId = idNumber("33068119800202666");
    const reg = await gql(app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { userErrors { code } } }`, { input: { teamId: gid("Team", demo.haolinshe.id), name: "待激活", phone: "15720000099", idNumber: pendingId } }, t.officer);
    expect(reg.data!.registerVolunteer.userErrors).toEqual([]);
    const twice = idNumber("33068119900303777");
    const wide = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const sheet = [
      ["甲", "15720000001", twice, "", "", ""],
      ["乙", "15720000002", twice.toLowerCase(), "", "", ""],
      ["丙", "15720000003", memberId, "", "", ""],
      ["丁", "15720000004", pendingId, "", "", ""],
      ["戊", wide("15720000005"), wide(idNumber("33068119900303888")), "", "", ""],
      ["己", "15720000006", "", "长".repeat(10_000), "", ""],
    ];
    const r = await upload(sheet, true);
    expect(r.data!.importVolunteers.report).toMatchObject({ rowsRead: 6, rowsToCreate: 2, errorCount: 4 });
    expect(r.data!.importVolunteers.report.errors).toEqual([
      { row: 3, column: "身份证号", message: "与第2行身份证号重复" },
      { row: 4, column: "身份证号", message: "本所已有该身份证号的义警（另一手机号），请核对" },
      { row: 5, column: "身份证号", message: "该身份证号已登记（另一手机号），正等待本人激活，请核对" },
      { row: 7, column: "小队", message: `本队没有“${"长".repeat(20)}…”小队` },
    ]);
    for (const e of r.data!.importVolunteers.report.errors) for (const id of [twice, memberId, pendingId]) expect(e.message).not.toContain(id);

    const asNumber = await upload([["庚", "15720000007", Number(idNumber("33068119900303999")) as unknown as string, "", "", ""]], true, t.officer, true);
    expect(asNumber.data!.importVolunteers.report.errors).toEqual([{ row: 2, column: "身份证号", message: "身份证号格式不正确（应为18位；在Excel中请把该列设为文本）" }]);
  });

  it("names a formula cell the file kept no result for (or whose result is an error) under its column, once, instead of reading a blank", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("队员");
    ws.addRow(HEADER);
    ws.addRow(["辛", "15720000011", "", "", "", ""]);
    ws.addRow(["", "15720000012", "", "", "", ""]);
    ws.getCell("A3").value = { formula: "A2" } as ExcelJS.CellFormulaValue; // a generator that does not calculate
    ws.addRow(["壬", "", "", "", "", ""]);
    ws.getCell("B4").value = { formula: "1/0", result: { error: "#DIV/0!" } } as ExcelJS.CellFormulaValue;
    ws.addRow(["", "15720000014", "", "", "", ""]);
    ws.getCell("A5").value = { formula: "\"癸\"", result: "癸" } as ExcelJS.CellFormulaValue; // calculated: read as its result
    const file = { name: "队员.xlsx", content: new Uint8Array(Buffer.from(await wb.xlsx.writeBuffer())) };
    const r = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: file }, t.officer);
    const formula = "是公式且文件里没有保存计算结果（或结果是错误值）：请在 Excel 中打开、保存后再导入，或把该列粘贴为数值";
    expect(r.data!.importVolunteers.report).toMatchObject({ rowsRead: 4, rowsToCreate: 2, errorCount: 2 });
    expect(r.data!.importVolunteers.report.errors).toEqual([
      { row: 3, column: "姓名", message: formula },
      { row: 4, column: "手机号", message: formula },
    ]);
  });

  it("finds the column names below a title row, as sheets kept by hand often have them", async () => {
    const content = `好邻舍义警花名册（2026年11月）\r\n\r\n姓名,手机号,身份证号\r\n标题下,15740000001,\r\n,15740000002,`;
    const r = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: { name: "t.csv", content } }, t.officer);
    expect(r.data!.importVolunteers.report).toMatchObject({ rowsRead: 2, rowsToCreate: 1, errorCount: 1 });
    expect(r.data!.importVolunteers.report.errors).toEqual([{ row: 5, column: "姓名", message: "姓名不能为空" }]);
  });

  it("registering one person checks the ID number as the sheet does: the check character, full-width digits", async () => {
    const REGISTER = `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } userErrors { code message field } } }`;
    const right = idNumber("33068119900404111");
    const wrong = right.slice(0, 17) + (right.endsWith("0") ? "1" : "0");
    const input = { teamId: gid("Team", demo.haolinshe.id), name: "单个登记" };
    const bad = await gql(app, REGISTER, { input: { ...input, phone: "15730000001", idNumber: wrong } }, t.officer);
    expect(bad.data!.registerVolunteer.userErrors).toEqual([{ code: "VALIDATION", message: "身份证号校验位不正确", field: ["input", "idNumber"] }]);
    const wide = right.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const ok = await gql(app, REGISTER, { input: { ...input, phone: "15730000002", idNumber: wide } }, t.officer);
    expect(ok.data!.registerVolunteer.userErrors).toEqual([]);
    expect((await prisma.enrollment.findFirstOrThrow({ where: { phone: "15730000002" } })).idNumber).toBe(right);
  });

  it("refuses a file over the upload limit before reading it", async () => {
    const limit = config.maxUploadBytes;
    const content = csv([good(90)]);
    config.maxUploadBytes = Buffer.byteLength(content) - 1;
    try {
      const r = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: { name: "a.csv", content } }, t.officer);
      expect(r.data!.importVolunteers.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "file"] });
      expect(r.data!.importVolunteers.userErrors[0].message).toMatch(/^文件不能超过\d+MB$/);
    } finally {
      config.maxUploadBytes = limit;
    }
  });

  it("reads a 10 MB CSV row by row, stopping at the row limit, without building a worksheet first (it took 2.2 GB)", async () => {
    const row = "x,1\r\n";
    const data = Buffer.from(`姓名,手机号\r\n${row.repeat(Math.floor(config.maxUploadBytes / row.length) - 4)}`);
    const before = process.memoryUsage().rss;
    const sheet = await readSheet(data, { maxRows: 20_000 });
    const grown = process.memoryUsage().rss - before;
    expect(sheet).toMatchObject({ truncated: true, headerRow: 1 });
    expect(sheet.rows).toHaveLength(20_000);
    expect(grown).toBeLessThan(512 * 1048576);
  });

  it("reads a sheet saved tab- or semicolon-separated and renamed .csv (it said 缺少“姓名”列)", async () => {
    for (const sep of ["\t", ";"]) {
      const content = [["姓名", "手机号", "特长"], ["分隔符", "15770000001", "夜巡,反诈"]].map((r) => r.join(sep)).join("\r\n");
      const r = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: { name: "s.csv", content } }, t.officer);
      expect(r.data!.importVolunteers.report).toMatchObject({ rowsRead: 1, rowsToCreate: 1, errorCount: 0 });
    }
  });

  it("refuses a row of more than 200 columns by its row number (a sheet of 16,000 columns took gigabytes)", async () => {
    const content = `姓名,手机号\r\n张三,15760000001${",".repeat(300)}x\r\n`;
    const r = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: { name: "w.csv", content } }, t.officer);
    expect(r.data!.importVolunteers.userErrors).toEqual([{ code: "VALIDATION", message: "第2行超过200列，请删去多余的列", field: ["input", "file"] }]);
  });

  it("answers in English when asked", async () => {
    const file = { name: "a.csv", content: csv([["张三", "123", "", "", "", ""]]) };
    const r = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: file }, t.officer, { "accept-language": "en" });
    expect(r.data!.importVolunteers.report.errors).toEqual([{ row: 2, column: "Phone", message: "Not an 11-digit mainland mobile number" }]);
  });

  it("commits nothing when a row is bad (all or nothing)", async () => {
    const before = await prisma.enrollment.count();
    const r = await upload(broken, false);
    expect(r.data!.importVolunteers.userErrors).toEqual([{ code: "VALIDATION", message: "表格有6处错误，未导入任何人", field: ["input", "file"] }]);
    expect(r.data!.importVolunteers.report).toMatchObject({ committed: false, created: 0, errorCount: 6, codesFile: null });
    expect(await prisma.enrollment.count()).toBe(before);
  });

  it("refuses a sheet without the required columns, and a file that is not a sheet", async () => {
    const noPhone = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: { name: "a.csv", content: "姓名,小队\r\n张三,警民夜巡" } }, t.officer);
    expect(noPhone.data!.importVolunteers.report.errors).toEqual([{ row: 1, column: "手机号", message: "缺少“手机号”列" }]);
    const junk = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", demo.haolinshe.id), dryRun: true } }, { importVolunteers: { name: "a.xlsx", content: new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]) } }, t.officer);
    expect(junk.data!.importVolunteers.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "file"] });
  });

  it("is for the station's officers only: another station's officer gets NOT_FOUND, a leader or a volunteer FORBIDDEN", async () => {
    const before = await prisma.enrollment.count();
    const other = await upload(rows, false, t.otherOfficer);
    expect(other.data!.importVolunteers.userErrors[0].code).toBe("NOT_FOUND");
    for (const token of [t.leader, t.volunteer]) {
      const r = await upload(rows, false, token);
      expect(r.data!.importVolunteers.userErrors[0].code).toBe("FORBIDDEN");
    }
    const anonymous = await upload(rows, true, null as unknown as string);
    expect(anonymous.data!.importVolunteers.userErrors[0].code).toBe("UNAUTHENTICATED");
    expect(await prisma.enrollment.count()).toBe(before);
  });

  it("imports the fixed .xlsx: registrations with one-time codes handed out once, audited; a code activates a member", async () => {
    const fixed = rows.map((r) => [...r]);
    fixed[39] = ["外所义警", "13900000001", "", "", "", ""]; // a volunteer of 长庆: not revealed, not attached
    const r = await upload(fixed, false, t.officer, true);
    expect(r.data!.importVolunteers.userErrors).toEqual([]);
    const report = r.data!.importVolunteers.report;
    expect(report).toMatchObject({ rowsRead: 40, rowsToCreate: 40, errorCount: 0, committed: true, created: 40 });
    const sheet = await readSheet(Buffer.from(report.codesFile.base64, "base64"), { maxRows: 100 });
    expect(sheet.header).toEqual(["行号", "姓名", "显示名", "手机号", "激活码", "有效期至", "队伍"]);
    expect(sheet.rows).toHaveLength(40);
    const codes = new Map(sheet.rows.map((x) => [x.cells[3], x.cells[4]]));
    expect(await prisma.enrollment.count({ where: { teamId: demo.haolinshe.id, phone: { startsWith: "157000000" } } })).toBe(39);
    const stranger = await prisma.volunteer.findFirstOrThrow({ where: { phone: "13900000001" }, include: { teams: true } });
    expect(stranger.teams.map((m) => m.teamId)).not.toContain(demo.haolinshe.id);

    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: "volunteer.import", targetId: demo.haolinshe.id } });
    expect(audit.summary).toBe("导入40人到「好邻舍义警」，待本人激活");
    expect(audit.summary).not.toMatch(/1[3-9]\d{9}/);

    const phone = rows[0]![1]!;
    const act = await gql(app, ACTIVATE, { input: { phone, code: codes.get(phone), password: "import-pass-1", acceptTerms: true } });
    expect(act.data!.activateAccount.userErrors).toEqual([]);
    const v = await prisma.volunteer.findFirstOrThrow({ where: { phone }, include: { teams: true, squads: { include: { squad: true } } } });
    expect(v.teams.map((m) => [m.teamId, m.status])).toEqual([[demo.haolinshe.id, "ACTIVE"]]);
    expect(v.squads.map((s) => s.squad.name)).toEqual(["警民夜巡"]);
    expect(v.specialties.sort()).toEqual(["ANTI_FRAUD", "NIGHT_PATROL"]);
    expect(idNumberValid(v.idNumber!)).toBe(true);

    const again = await upload(fixed.slice(0, 3), true);
    expect(again.data!.importVolunteers.report.errors.map((e: { message: string }) => e.message)).toEqual(["已是本队队员", "该手机号已登记，正等待本人激活", "该手机号已登记，正等待本人激活"]);
  });
});
