// 批量导入: an officer uploads a sheet (姓名, 手机号, 身份证号, 小队, 特长, 共建单位) for one team. The
// answer is a report: rows read, rows to create and every bad row with its column and reason. With
// dryRun: false it commits all or nothing: each new person becomes an enrollment (登记) with a one-time
// activation code, exactly as registerVolunteer makes one, handed to the officer once as a sheet.
// The report says only what the station may know: "already in this team / this station", never
// whether a phone is known to another station or to Linshe at all.
import { assert } from "../../auth/policy.js";
import { newOneTimeCode } from "../../auth/sessions.js";
import { codeHash } from "../../auth/tokens.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { Specialty } from "../../generated/prisma/client.js";
import { invalid, notFound } from "../../graphql/errors.js";
import { msg } from "../../i18n.js";
import { idNumberValid, normaliseIdNumber, normalisePhone } from "../../lib/identity.js";
import { MAX_COLUMNS, readSheet, SheetError, writeXlsx, type SheetRow } from "../../lib/sheet.js";
import { CONTROL, INVISIBLE } from "../../lib/text.js";
import { uuid7 } from "../../lib/uuid7.js";
import { config } from "../../config.js";
import { recordAudit } from "../audit/audit.service.js";
import type { Actor } from "../station/station.service.js";
import { ENROLLMENT_DAYS } from "../volunteer/volunteer.service.js";

/** Most data rows one sheet may have. */
export const IMPORT_MAX_ROWS = 20_000;
/** Rows above the column names that may hold a title or a note. */
const TITLE_ROWS = 5;

type Column = "name" | "displayName" | "phone" | "idNumber" | "squads" | "specialties" | "partner";
const HEADERS: Record<Column, { zh: string; en: string; names: string[] }> = {
  name: { zh: "姓名", en: "Name", names: ["姓名", "name", "legalname"] },
  displayName: { zh: "显示名", en: "Display name", names: ["显示名", "昵称", "displayname"] },
  phone: { zh: "手机号", en: "Phone", names: ["手机号", "手机", "手机号码", "联系电话", "电话", "phone", "mobile"] },
  idNumber: { zh: "身份证号", en: "ID number", names: ["身份证号", "身份证号码", "身份证", "idnumber", "id"] },
  squads: { zh: "小队", en: "Squad", names: ["小队", "所属小队", "squad", "squads"] },
  specialties: { zh: "特长", en: "Specialties", names: ["特长", "专长", "specialty", "specialties"] },
  partner: { zh: "共建单位", en: "Partner", names: ["共建单位", "单位", "partner"] },
};
const REQUIRED: Column[] = ["name", "phone"];

const SPECIALTY_NAMES: Record<Specialty, string[]> = {
  MEDICAL_GUARD: ["医疗守护", "医疗"],
  HIGH_RISE: ["高层楼宇", "高层"],
  CAMPUS_SECURITY: ["校园安保", "校园"],
  COMMUNITY_GRID: ["社区网格", "网格"],
  ANTI_FRAUD: ["反诈宣传", "反诈"],
  MEDIATION: ["矛盾调解", "调解"],
  NIGHT_PATROL: ["夜巡", "警民夜巡"],
  TRAFFIC: ["交通", "交通劝导"],
};
const SPECIALTY_BY_NAME = new Map<string, Specialty>(
  (Object.entries(SPECIALTY_NAMES) as [Specialty, string[]][]).flatMap(([code, names]) => [[code.toLowerCase(), code] as const, ...names.map((n) => [n, code] as const)]),
);

export interface ImportRowError {
  row: number;
  column: string | null;
  message: string;
}

export interface ImportReport {
  rowsRead: number;
  rowsToCreate: number;
  errors: ImportRowError[];
  errorCount: number;
  committed: boolean;
  created: number;
  codesFile: { filename: string; content: Buffer } | null;
}

/** Errors shown in the report; the count says how many there are in all. */
const MAX_REPORTED_ERRORS = 1000;
export { idNumberValid };

/** A cell's text quoted in a message: at most 20 characters of it (a shifted column can hold anything). */
const quote = (s: string) => ([...s].length > 20 ? `${[...s].slice(0, 20).join("")}…` : s);

const split = (s: string) => s.split(/[、,，;；/|\s]+/).map((x) => x.trim()).filter(Boolean);

interface Parsed {
  row: number;
  name: string;
  displayName: string;
  phone: string;
  idNumber: string | null;
  squadIds: string[];
  specialties: Specialty[];
  partnerId: string | null;
}

interface TeamContext {
  id: string;
  name: string;
  stationId: string;
  squads: Map<string, string>;
  partners: Map<string, string>;
}

function columnIndex(header: string[]): { index: Partial<Record<Column, number>>; missing: Column[] } {
  const norm = (h: string) => h.replace(/[\s*（）()：:]/g, "").toLowerCase();
  const index: Partial<Record<Column, number>> = {};
  header.forEach((h, i) => {
    const n = norm(h);
    for (const [col, def] of Object.entries(HEADERS) as [Column, (typeof HEADERS)[Column]][]) {
      if (index[col] === undefined && def.names.some((name) => norm(name) === n)) index[col] = i;
    }
  });
  return { index, missing: REQUIRED.filter((c) => index[c] === undefined) };
}

/** Checks each row on its own and against the others in the file. */
function parseRows(rows: SheetRow[], index: Partial<Record<Column, number>>, team: TeamContext, errors: ImportRowError[]): Parsed[] {
  const colName = (c: Column) => msg(HEADERS[c].zh, HEADERS[c].en);
  const cell = (r: SheetRow, c: Column) => (index[c] === undefined ? "" : (r.cells[index[c]!] ?? "").trim());
  const out: Parsed[] = [];
  const firstRowOfPhone = new Map<string, number>();
  const firstRowOfId = new Map<string, number>();
  for (const r of rows) {
    // A formula cell without a saved result is said once, under its column, and nothing else about it.
    const formulas = new Set((Object.keys(index) as Column[]).filter((c) => r.formulas?.includes(index[c]!)));
    const bad = (c: Column | null, message: string) => void (c && formulas.has(c) ? null : errors.push({ row: r.row, column: c ? colName(c) : null, message }));
    const before = errors.length;
    for (const c of formulas) {
      errors.push({ row: r.row, column: colName(c), message: msg("是公式且文件里没有保存计算结果（或结果是错误值）：请在 Excel 中打开、保存后再导入，或把该列粘贴为数值", "A formula without a saved result (or with an error): open and save the file in Excel, or paste the column as values") });
    }
    if (r.cells.some((v) => v && CONTROL.test(v))) bad(null, msg("含有控制字符", "Contains control characters"));
    else if (r.cells.some((v) => v && INVISIBLE.test(v))) bad(null, msg("含有不可见字符或文字方向控制符", "Contains invisible or text-direction characters"));
    const name = cell(r, "name");
    if (!name) bad("name", msg("姓名不能为空", "The name is missing"));
    else if ([...name].length > 40) bad("name", msg("姓名最多40个字", "At most 40 characters"));
    const displayName = cell(r, "displayName") || name;
    // A blank display name takes the name's: a long name is reported once, under 姓名.
    if (cell(r, "displayName") && [...displayName].length > 40) bad("displayName", msg("显示名最多40个字", "At most 40 characters"));
    const phone = normalisePhone(cell(r, "phone"));
    if (!/^1[3-9]\d{9}$/.test(phone)) bad("phone", msg("手机号格式不正确（应为11位手机号）", "Not an 11-digit mainland mobile number"));
    else if (firstRowOfPhone.has(phone)) bad("phone", msg(`与第${firstRowOfPhone.get(phone)}行手机号重复`, `Same phone as row ${firstRowOfPhone.get(phone)}`));
    else firstRowOfPhone.set(phone, r.row);
    const rawId = normaliseIdNumber(cell(r, "idNumber"));
    let idNumber: string | null = null;
    if (rawId) {
      if (!/^\d{17}[\dX]$/.test(rawId)) bad("idNumber", msg("身份证号格式不正确（应为18位；在Excel中请把该列设为文本）", "Not an 18-character ID number (in Excel, format the column as text)"));
      else if (!idNumberValid(rawId)) bad("idNumber", msg("身份证号校验位不正确", "The ID number's check digit is wrong"));
      else if (firstRowOfId.has(rawId)) bad("idNumber", msg(`与第${firstRowOfId.get(rawId)}行身份证号重复`, `Same ID number as row ${firstRowOfId.get(rawId)}`));
      else {
        firstRowOfId.set(rawId, r.row);
        idNumber = rawId;
      }
    }
    const squadIds: string[] = [];
    for (const s of split(cell(r, "squads"))) {
      const id = team.squads.get(s);
      if (!id) bad("squads", msg(`本队没有“${quote(s)}”小队`, `This team has no squad "${quote(s)}"`));
      else if (!squadIds.includes(id)) squadIds.push(id);
    }
    const specialties: Specialty[] = [];
    for (const s of split(cell(r, "specialties"))) {
      const code = SPECIALTY_BY_NAME.get(s) ?? SPECIALTY_BY_NAME.get(s.toLowerCase());
      if (!code) bad("specialties", msg(`未知特长“${quote(s)}”`, `Unknown specialty "${quote(s)}"`));
      else if (!specialties.includes(code)) specialties.push(code);
    }
    const partnerName = cell(r, "partner");
    const partnerId = partnerName ? (team.partners.get(partnerName) ?? null) : null;
    if (partnerName && !partnerId) bad("partner", msg(`本所没有共建单位“${quote(partnerName)}”`, `This station has no partner "${quote(partnerName)}"`));
    if (errors.length === before) out.push({ row: r.row, name, displayName, phone, idNumber, squadIds, specialties, partnerId });
  }
  return out;
}

/**
 * What the station already knows about these phones: its own people (in this team, or another of its
 * teams) and registrations waiting for activation. Nothing about other stations is read.
 */
async function knownToStation(db: Tx | typeof prisma, team: TeamContext, phones: string[]) {
  const known = new Map<string, string>();
  for (let i = 0; i < phones.length; i += 5000) {
    const chunk = phones.slice(i, i + 5000);
    const [members, pending] = await Promise.all([
      db.$queryRaw<{ phone: string; teamId: string; status: string }[]>`
        SELECT v.phone, m."teamId", m.status::text AS status
        FROM "Volunteer" v JOIN "TeamMembership" m ON m."volunteerId" = v.id JOIN "Team" t ON t.id = m."teamId"
        WHERE v.phone = ANY(${chunk}::text[]) AND t."stationId" = ${team.stationId}::uuid AND m.status <> 'LEFT'`,
      db.$queryRaw<{ phone: string }[]>`
        SELECT phone FROM "Enrollment"
        WHERE "stationId" = ${team.stationId}::uuid AND status = 'PENDING' AND "expiresAt" > ${clock.now()} AND phone = ANY(${chunk}::text[])`,
    ]);
    for (const p of pending) known.set(p.phone, msg("该手机号已登记，正等待本人激活", "Registered already, waiting for the person to activate"));
    for (const m of members) {
      const message =
        m.teamId === team.id
          ? m.status === "PENDING"
            ? msg("已申请加入本队，请在“待审核”中处理", "Has asked to join this team: decide under Pending")
            : msg("已是本队队员", "Already a member of this team")
          : msg("已是本所义警（在其他队伍），请在成员列表中把他加入本队", "Already a volunteer of this station in another team: add them from the member list");
      if (m.teamId === team.id || !known.has(m.phone)) known.set(m.phone, message);
    }
  }
  return known;
}

/**
 * ID numbers the station already has, under another phone (the same phone is reported as such): one of
 * its people, or a registration waiting for activation. Nothing about other stations is read.
 */
async function idNumbersKnownToStation(db: Tx | typeof prisma, team: TeamContext, ids: string[]) {
  const known = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    const [members, pending] = await Promise.all([
      db.$queryRaw<{ idNumber: string }[]>`
        SELECT DISTINCT v."idNumber"
        FROM "Volunteer" v JOIN "TeamMembership" m ON m."volunteerId" = v.id JOIN "Team" t ON t.id = m."teamId"
        WHERE v."idNumber" = ANY(${chunk}::text[]) AND t."stationId" = ${team.stationId}::uuid AND m.status <> 'LEFT'`,
      db.$queryRaw<{ idNumber: string }[]>`
        SELECT "idNumber" FROM "Enrollment"
        WHERE "stationId" = ${team.stationId}::uuid AND status = 'PENDING' AND "expiresAt" > ${clock.now()} AND "idNumber" = ANY(${chunk}::text[])`,
    ]);
    for (const p of pending) known.set(p.idNumber, msg("该身份证号已登记（另一手机号），正等待本人激活，请核对", "This ID number is registered already (another phone), waiting for activation: check the row"));
    for (const m of members) known.set(m.idNumber, msg("本所已有该身份证号的义警（另一手机号），请核对", "A volunteer of this station has this ID number (another phone): check the row"));
  }
  return known;
}

export async function importVolunteers({ viewer, clientAddress }: Actor, input: { teamId: string; file: File; dryRun: boolean }): Promise<ImportReport> {
  const row = await prisma.team.findUnique({
    where: { id: input.teamId },
    include: { squads: { select: { id: true, name: true } }, station: { select: { name: true, partners: { select: { id: true, name: true } } } } },
  });
  if (!row) throw notFound(msg("队伍", "Team"), ["input", "teamId"]);
  assert(viewer, "volunteer.register", { stationId: row.stationId }, {
    message: msg("仅本所民警可导入义警", "Only the station's officers import volunteers"),
    hide: { what: msg("队伍", "Team"), field: ["input", "teamId"], stationId: row.stationId },
  });
  const team: TeamContext = {
    id: row.id,
    name: row.name,
    stationId: row.stationId,
    squads: new Map(row.squads.map((s) => [s.name, s.id])),
    partners: new Map(row.station.partners.map((p) => [p.name, p.id])),
  };
  if (input.file.size > config.maxUploadBytes) throw invalid(msg(`文件不能超过${Math.floor(config.maxUploadBytes / 1048576)}MB`, `The file must be under ${Math.floor(config.maxUploadBytes / 1048576)} MB`), ["input", "file"]);
  let sheet;
  try {
    sheet = await readSheet(Buffer.from(await input.file.arrayBuffer()), { maxRows: IMPORT_MAX_ROWS });
  } catch (e) {
    if (!(e instanceof SheetError)) throw e;
    if (e.tooManyColumnsAt) throw invalid(msg(`第${e.tooManyColumnsAt}行超过${MAX_COLUMNS}列，请删去多余的列`, `Row ${e.tooManyColumnsAt} has more than ${MAX_COLUMNS} columns: delete the extra ones`), ["input", "file"]);
    throw invalid(msg("无法读取该文件：请上传 .xlsx 或 .csv 表格", "Cannot read this file: upload an .xlsx or .csv sheet"), ["input", "file"]);
  }
  if (sheet.truncated) throw invalid(msg(`一次最多导入${IMPORT_MAX_ROWS}行，请拆分表格`, `At most ${IMPORT_MAX_ROWS} rows at a time: split the sheet`), ["input", "file"]);
  const errors: ImportRowError[] = [];
  let { rows, headerRow } = sheet;
  let { index, missing } = columnIndex(sheet.header);
  // A title above the column names (“好邻舍义警花名册”, a note): the column names are the first of the
  // next rows that names the required columns; the rows above them are not people.
  for (let i = 0; missing.length && i < Math.min(rows.length, TITLE_ROWS); i++) {
    const found = columnIndex(rows[i]!.cells);
    if (found.missing.length) continue;
    ({ index, missing } = found);
    headerRow = rows[i]!.row;
    rows = rows.slice(i + 1);
  }
  if (missing.length) {
    for (const c of missing) errors.push({ row: headerRow, column: msg(HEADERS[c].zh, HEADERS[c].en), message: msg(`缺少“${HEADERS[c].zh}”列`, `The "${HEADERS[c].zh}" column is missing`) });
    return report(rows.length, 0, errors, false, 0, null);
  }
  // A row whose only cells are formulas without a result in columns not imported (a template's check
  // column down to row 500) is as blank to the officer as it was before formulas were named.
  const used = new Set(Object.values(index));
  rows = rows.filter((r) => r.cells.some((c) => c !== "") || (r.formulas ?? []).some((i) => used.has(i)));
  const parsed = parseRows(rows, index, team, errors);

  const check = async (db: Tx | typeof prisma) => {
    const [known, knownIds] = await Promise.all([
      knownToStation(db, team, parsed.map((p) => p.phone)),
      idNumbersKnownToStation(db, team, parsed.flatMap((p) => (p.idNumber ? [p.idNumber] : []))),
    ]);
    const ok = parsed.filter((p) => {
      const why = known.get(p.phone);
      if (why) errors.push({ row: p.row, column: msg("手机号", "Phone"), message: why });
      const whyId = why ? undefined : p.idNumber ? knownIds.get(p.idNumber) : undefined;
      if (whyId) errors.push({ row: p.row, column: msg("身份证号", "ID number"), message: whyId });
      return !why && !whyId;
    });
    errors.sort((a, b) => a.row - b.row);
    return ok;
  };

  if (input.dryRun) {
    const ok = await check(prisma);
    return report(rows.length, ok.length, errors, false, 0, null);
  }

  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ENROLLMENT_DAYS * 86_400_000);
  const outcome = await prisma.$transaction(async (tx) => {
    // Registrations of a station queue on its row (as registerVolunteer does), so the checks hold at commit.
    await tx.$queryRaw`SELECT id FROM "Station" WHERE id = ${team.stationId}::uuid FOR UPDATE`;
    const ok = await check(tx);
    if (errors.length || !ok.length) return { created: [] as (Parsed & { code: string })[], ok: ok.length };
    const created = ok.map((p) => ({ ...p, code: newOneTimeCode() }));
    // One INSERT per 5,000 rows from a JSON parameter: Prisma's createMany with thousands of rows of
    // parameters took about 90 s for 15,000 rows on a busy machine.
    for (let i = 0; i < created.length; i += 5000) {
      const rows = created.slice(i, i + 5000).map((p) => ({
        id: uuid7(), squadIds: p.squadIds, name: p.name, displayName: p.displayName, phone: p.phone, idNumber: p.idNumber,
        specialties: p.specialties, partnerId: p.partnerId, codeHash: codeHash(p.code),
      }));
      await tx.$executeRaw`
        INSERT INTO "Enrollment" (id, "stationId", "teamId", "squadIds", name, "displayName", phone, "idNumber", specialties, skills, "partnerId", "codeHash", "expiresAt", "createdById", "createdAt")
        SELECT x.id, ${team.stationId}::uuid, ${team.id}::uuid, x."squadIds", x.name, x."displayName", x.phone, x."idNumber", x.specialties, '{}'::text[], x."partnerId", x."codeHash",
               ${expiresAt.toISOString()}::timestamp, ${viewer.accountId}::uuid, ${now.toISOString()}::timestamp
        FROM json_to_recordset(${JSON.stringify(rows)}::json)
          AS x(id uuid, "squadIds" uuid[], name text, "displayName" text, phone text, "idNumber" text, specialties "Specialty"[], "partnerId" uuid, "codeHash" text)`;
    }
    await recordAudit(tx, { actor: viewer, stationId: team.stationId, action: "volunteer.import", targetType: "Team", targetId: team.id, summary: `导入${created.length}人到「${team.name}」，待本人激活`, clientAddress });
    return { created, ok: ok.length };
  }, { ...TX, timeout: Math.max(TX.timeout, 120_000) });

  if (!outcome.created.length) return report(rows.length, outcome.ok, errors, false, 0, null);
  const until = new Date(expiresAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const content = await writeXlsx(
    "激活码",
    ["行号", "姓名", "显示名", "手机号", "激活码", "有效期至", "队伍"],
    outcome.created.map((p) => [p.row, p.name, p.displayName, p.phone, p.code, until, team.name]),
    [6, 10, 12, 14, 14, 12, 16],
  );
  const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return report(rows.length, outcome.created.length, errors, true, outcome.created.length, { filename: `${team.name}_激活码_${day}.xlsx`, content });
}

function report(rowsRead: number, rowsToCreate: number, errors: ImportRowError[], committed: boolean, created: number, codesFile: ImportReport["codesFile"]): ImportReport {
  return { rowsRead, rowsToCreate, errors: errors.slice(0, MAX_REPORTED_ERRORS), errorCount: errors.length, committed, created, codesFile };
}
