// A station's casework over HTTP and WebSocket: patrol findings with photos (multipart, content
// checks, EXIF gone, signed URLs), triage with notifications, audit and the live stream, the numbers;
// mediation cases and their rates; the public home-watch request through visits to erasure.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { exifOf, jpegWithGps, pngPhoto, upload, webpPhoto } from "./support/casework.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let leader: string;
let otherOfficer: string;
let tokens: Map<string, string>;
const VOLUNTEER = "13800000150";
const OTHER_VOLUNTEER = "13800000151";
const CHANGQING_VOLUNTEER = "13900000005";
const tok = (p: string) => tokens.get(p)!;
const raw = (g: string) => Buffer.from(g, "base64").toString().split(":")[1]!;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
  tokens = await tokensFor([VOLUNTEER, OTHER_VOLUNTEER, CHANGQING_VOLUNTEER, DEMO_PHONES.partnerAdmin]);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const REPORT_FIELDS = `id status category description place grid { name } reporterName isMine assigneeKind assigneeName dueAt overdue closedAt
  resolutionNote referredTo rejectReason photos { url thumbnailUrl width height contentType } resolutionPhotos { url }
  history { kind note actorName } viewerCanTriage viewerCanResolve`;
const SUBMIT = `mutation ($input: SubmitPatrolReportInput!) { submitPatrolReport(input: $input) { report { ${REPORT_FIELDS} } userErrors { code message field } } }`;
const ASSIGN = `mutation ($input: AssignPatrolReportInput!) { assignPatrolReport(input: $input) { report { ${REPORT_FIELDS} } userErrors { code message field } } }`;
const RESOLVE = `mutation ($input: ResolvePatrolReportInput!) { resolvePatrolReport(input: $input) { report { ${REPORT_FIELDS} } userErrors { code message field } } }`;
const REJECT = `mutation ($input: RejectPatrolReportInput!) { rejectPatrolReport(input: $input) { report { id status } userErrors { code message field } } }`;
const REFER = `mutation ($input: ReferPatrolReportInput!) { referPatrolReport(input: $input) { report { id status referredTo } userErrors { code message field } } }`;
const NODE = `query ($id: ID!) { node(id: $id) { ... on PatrolReport { ${REPORT_FIELDS} } } }`;

const station = () => gid("Station", demo.fushan.id);
const baseInput = () => ({ stationId: station(), category: "FIRE_HAZARD", description: "楼道堆放电动车电池，堵塞消防通道", place: "府山街道仓桥直街12号", latitude: 30.0023, longitude: 120.5772 });
const photoPart = (i: number, data: Buffer, name = `IMG_${i}.jpg`, type = "image/jpeg") => ({ path: `variables.input.photos.${i}`, data, name, type });

async function submit(token: string, files: Buffer[] = [], input: Record<string, unknown> = {}) {
  const { status, body } = await upload(app, SUBMIT, { input: { ...baseInput(), ...input, photos: files.map(() => null) } }, files.map((f, i) => photoPart(i, f)), token);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.data!.submitPatrolReport as { report: Record<string, any> | null; userErrors: { code: string; message: string; field: string[] }[] };
}

async function fetchMedia(url: string) {
  return fetch(`${app.url}${url}`);
}

describe("patrol findings: photos", () => {
  it("stores two photos re-encoded without EXIF or GPS, with thumbnails, behind signed URLs", async () => {
    const original = await jpegWithGps();
    expect(await exifOf(original)).toEqual({ exif: true, gps: true, make: true });
    const res = await submit(tok(VOLUNTEER), [original, await pngPhoto()]);
    expect(res.userErrors).toEqual([]);
    const report = res.report!;
    expect(report.status).toBe("NEW");
    expect(report.isMine).toBe(true);
    expect(report.photos.map((p: { contentType: string }) => p.contentType)).toEqual(["image/jpeg", "image/png"]);
    expect(report.photos[0]).toMatchObject({ width: 800, height: 600 });

    // What is on disk has no metadata at all.
    const rows = await prisma.photo.findMany({ where: { reportId: raw(report.id) }, orderBy: { position: "asc" } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      for (const key of [row.key, row.thumbKey]) {
        const stored = await readFile(path.join(config.uploadDir, key));
        expect(await exifOf(stored), key).toEqual({ exif: false, gps: false, make: false });
      }
    }
    // Served through the signed URL, the same bytes; the thumbnail is a small JPEG.
    const served = await fetchMedia(report.photos[0].url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
    expect(served.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
    const body = Buffer.from(await served.arrayBuffer());
    expect(await exifOf(body)).toEqual({ exif: false, gps: false, make: false });
    const thumb = await fetchMedia(report.photos[1].thumbnailUrl);
    expect(thumb.headers.get("content-type")).toBe("image/jpeg");
  });

  it("accepts WebP and refuses a text file named .jpg, a 20 MB file and a seventh photo, with clear messages", async () => {
    const webp = await submit(tok(VOLUNTEER), [await webpPhoto()]);
    expect(webp.userErrors).toEqual([]);
    expect(webp.report!.photos[0].contentType).toBe("image/webp");

    const before = await prisma.patrolReport.count();
    const text = Buffer.from("这不是图片，只是改了扩展名的文本文件。\n".repeat(20));
    const fake = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null, null] } }, [photoPart(0, await jpegWithGps()), photoPart(1, text, "notes.jpg")], tok(VOLUNTEER));
    expect(fake.body.data!.submitPatrolReport.userErrors).toEqual([
      { code: "VALIDATION", message: "不是有效的图片：只能上传 JPEG、PNG 或 WebP 格式的照片", field: ["input", "photos", "1"] },
    ]);
    // Truncated JPEG: the right magic bytes, no picture.
    const truncated = (await jpegWithGps()).subarray(0, 300);
    const broken = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, truncated)], tok(VOLUNTEER));
    expect(broken.body.data!.submitPatrolReport.userErrors[0].field).toEqual(["input", "photos", "0"]);

    const big = Buffer.alloc(20 * 1024 * 1024, 7);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const huge = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, big, "big.jpg")], tok(VOLUNTEER));
    expect(huge.status).toBe(413);
    expect(huge.body.errors![0]!.message).toBe("照片太大：每张不能超过10MB");
    const english = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, big, "big.jpg")], tok(VOLUNTEER), { "accept-language": "en" });
    expect(english.body.errors![0]!.message).toBe("Photo too large: at most 10 MB each");

    const small = await pngPhoto();
    const seven = Array.from({ length: 7 }, (_, i) => photoPart(i, small, `p${i}.png`, "image/png"));
    const tooMany = await upload(app, SUBMIT, { input: { ...baseInput(), photos: seven.map(() => null) } }, seven, tok(VOLUNTEER));
    expect(tooMany.body.errors?.[0]?.message ?? tooMany.body.data?.submitPatrolReport.userErrors[0].message).toBe("最多上传6张照片");
    expect(await prisma.patrolReport.count()).toBe(before);
  });

  it("refuses forged, altered and expired photo URLs and shows no URL to another station", async () => {
    const { report } = await submit(tok(VOLUNTEER), [await pngPhoto()]);
    const url: string = report!.photos[0].url;
    expect((await fetchMedia(url)).status).toBe(200);
    expect((await fetchMedia(url.replace(/sig=[^&]+/, "sig=AAAA"))).status).toBe(403);
    expect((await fetchMedia(url.replace(/exp=(\d+)/, (_m, e) => `exp=${Number(e) + 3600}`))).status).toBe(403);
    expect((await fetchMedia(url.replace(/\?.*$/, ""))).status).toBe(403);
    expect((await fetchMedia("/media/2026/11/..%2f..%2fpackage.json?exp=99999999999&sig=x")).status).toBe(403);
    // An hour later the URL has expired.
    const expired = url.replace(/exp=\d+&sig=[^&]+/, (await import("../api/src/media/signed.js")).signedMediaUrl(url.split("?")[0]!.slice(7), Date.now() - 3600_000).split("?")[1]!);
    expect((await fetchMedia(expired)).status).toBe(403);

    // Another station's officer, a volunteer who is not the reporter, anonymous: no report, no URL.
    for (const t of [otherOfficer, tok(OTHER_VOLUNTEER), null]) {
      const res = await gql(app, NODE, { id: report!.id }, t);
      expect(res.data!.node).toBeNull();
    }
  });
});

describe("patrol findings: triage and the closed loop", () => {
  it("an officer assigns a report to a team with a due date and the team's leader resolves it; the reporter hears of each step", async () => {
    const { report } = await submit(tok(VOLUNTEER), [await jpegWithGps()]);
    const me = await prisma.account.findUniqueOrThrow({ where: { phone: VOLUNTEER } });
    const leaderAccount = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } });

    // The live command view follows the station's findings.
    const client = wsClient(app, officer);
    const feed = subscribe(client, `subscription ($s: ID!) { patrolReportUpdated(stationId: $s) { cursor kind note report { id status } } }`, { s: station() });
    await new Promise((r) => setTimeout(r, 300));

    // Not the reporter, not the leader before assignment.
    expect((await gql(app, ASSIGN, { input: { reportId: report!.id, teamId: teamGid(demo.haolinshe.id) } }, tok(VOLUNTEER))).data!.assignPatrolReport.userErrors[0].code).toBe("FORBIDDEN");
    expect((await gql(app, RESOLVE, { input: { reportId: report!.id, note: "已处理" } }, leader)).data!.resolvePatrolReport.userErrors[0].code).toBe("FORBIDDEN");
    // Exactly one assignee.
    const two = await gql(app, ASSIGN, { input: { reportId: report!.id, teamId: teamGid(demo.haolinshe.id), partnerId: gid("Partner", (await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id } })).id) } }, officer);
    expect(two.data!.assignPatrolReport.userErrors[0].code).toBe("VALIDATION");
    // Another station's team is not this station's.
    const foreign = await gql(app, ASSIGN, { input: { reportId: report!.id, teamId: teamGid(demo.committee.id) } }, officer);
    expect(foreign.data!.assignPatrolReport.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "teamId"] });

    const due = inMinutes(3 * 24 * 60);
    const assigned = await gql(app, ASSIGN, { input: { reportId: report!.id, teamId: teamGid(demo.haolinshe.id), dueAt: due, note: "请队里核实并清理" } }, officer);
    expect(assigned.data!.assignPatrolReport.userErrors).toEqual([]);
    expect(assigned.data!.assignPatrolReport.report).toMatchObject({ status: "ASSIGNED", assigneeKind: "TEAM", assigneeName: "好邻舍义警", overdue: false });

    // The team's leader now sees it and may resolve it; resolving needs an assignment first (done).
    const seen = await gql(app, NODE, { id: report!.id }, leader);
    expect(seen.data!.node).toMatchObject({ status: "ASSIGNED", viewerCanResolve: true, viewerCanTriage: false });
    const resolved = await upload(app, RESOLVE, { input: { reportId: report!.id, note: "电池已清走，楼道畅通", photos: [null] } }, [{ path: "variables.input.photos.0", data: await jpegWithGps("#888"), name: "after.jpg", type: "image/jpeg" }], leader);
    expect(resolved.body.data!.resolvePatrolReport.userErrors).toEqual([]);
    const done = resolved.body.data!.resolvePatrolReport.report;
    expect(done).toMatchObject({ status: "RESOLVED", resolutionNote: "电池已清走，楼道畅通" });
    expect(done.resolutionPhotos).toHaveLength(1);
    expect(done.history.map((h: { kind: string }) => h.kind)).toEqual(["SUBMITTED", "ASSIGNED", "RESOLVED"]);
    // Closed is closed.
    expect((await gql(app, REJECT, { input: { reportId: report!.id, reason: "重复" } }, officer)).data!.rejectPatrolReport.userErrors[0].code).toBe("CONFLICT");

    // The reporter sees the outcome (闭环) and was told at each step; the leader was told of the work.
    const mine = await gql(app, `{ viewer { myPatrolReports(first: 5) { edges { node { id status resolutionNote resolutionPhotos { url } } } } } }`, {}, tok(VOLUNTEER));
    expect(mine.data!.viewer.myPatrolReports.edges[0].node).toMatchObject({ id: report!.id, status: "RESOLVED", resolutionNote: "电池已清走，楼道畅通" });
    const notes = await prisma.notification.findMany({ where: { accountId: me.id, kind: "PATROL_REPORT_UPDATED" }, orderBy: { createdAt: "asc" } });
    expect(notes.map((n) => n.title)).toEqual(["你上报的隐患已分派处理", "你上报的隐患已办结"]);
    expect(await prisma.notification.count({ where: { accountId: leaderAccount.id, kind: "PATROL_REPORT_ASSIGNED" } })).toBe(1);
    // Triage decisions are audited, without personal data.
    const audit = await prisma.auditEntry.findMany({ where: { targetId: raw(report!.id) }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["patrolReport.assign", "patrolReport.resolve"]);
    expect(audit.every((a) => !a.summary.includes(VOLUNTEER))).toBe(true);

    const events = await feed.waitFor(2);
    expect(events.map((e) => e.data!.patrolReportUpdated.kind)).toEqual(["ASSIGNED", "RESOLVED"]);
    // A reconnecting view replays what came after its cursor.
    const replay = subscribe(client, `subscription ($s: ID!, $since: String) { patrolReportUpdated(stationId: $s, since: $since) { kind report { id } } }`, { s: station(), since: events[0]!.data!.patrolReportUpdated.cursor });
    expect((await replay.waitFor(1)).map((e) => e.data!.patrolReportUpdated.kind)).toEqual(["RESOLVED"]);
    feed.dispose();
    replay.dispose();
    await client.dispose();
  });

  it("refers and rejects from the queue; an overdue report shows; only officers follow the station's findings", async () => {
    const a = (await submit(tok(VOLUNTEER), [], { category: "TRAFFIC_HAZARD", description: "路口红绿灯不亮" })).report!;
    const b = (await submit(tok(VOLUNTEER), [], { category: "OTHER", description: "测试重复上报" })).report!;
    const c = (await submit(tok(OTHER_VOLUNTEER), [], { category: "ENVIRONMENT", description: "僵尸车占用消防通道", place: "越王台路口" })).report!;
    const referred = await gql(app, REFER, { input: { reportId: a.id, department: "交警大队", note: "信号灯故障" } }, officer);
    expect(referred.data!.referPatrolReport.report).toMatchObject({ status: "REFERRED", referredTo: "交警大队" });
    const rejected = await gql(app, REJECT, { input: { reportId: b.id, reason: "与已上报的隐患重复" } }, officer);
    expect(rejected.data!.rejectPatrolReport.report.status).toBe("REJECTED");
    // Resolving before assignment is refused.
    expect((await gql(app, RESOLVE, { input: { reportId: c.id, note: "x" } }, officer)).data!.resolvePatrolReport.userErrors[0].code).toBe("CONFLICT");
    const partner = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id, name: "府山物业联合会" } });
    await gql(app, ASSIGN, { input: { reportId: c.id, partnerId: gid("Partner", partner.id), dueAt: inMinutes(60) } }, officer);
    // The partner's admin sees it as assigned to them and may resolve it; two hours later it is overdue.
    clock.advance(2 * 3600_000);
    const forPartner = await gql(app, NODE, { id: c.id }, tok(DEMO_PHONES.partnerAdmin));
    expect(forPartner.data!.node).toMatchObject({ status: "ASSIGNED", overdue: true, viewerCanResolve: true });
    const overdue = await gql(app, `query ($s: ID!) { node(id: $s) { ... on Station { patrolReports(first: 10, overdue: true) { edges { node { id } } } } } }`, { s: station() }, officer);
    expect(overdue.data!.node.patrolReports.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(c.id);
    // A volunteer lists only their own reports in the station's queue.
    const theirs = await gql(app, `query ($s: ID!) { node(id: $s) { ... on Station { patrolReports(first: 100) { edges { node { id isMine } } } } } }`, { s: station() }, tok(OTHER_VOLUNTEER));
    expect(theirs.data!.node.patrolReports.edges.every((e: { node: { isMine: boolean } }) => e.node.isMine)).toBe(true);

    // The live view: another station's officer and a leader are refused.
    for (const t of [otherOfficer, leader]) {
      const client = wsClient(app, t);
      const sub = subscribe(client, `subscription ($s: ID!) { patrolReportUpdated(stationId: $s) { kind } }`, { s: station() });
      const res = await sub.waitFor(1).catch((e) => e);
      expect(JSON.stringify(res)).toMatch(/FORBIDDEN|仅本所民警/);
      await client.dispose();
    }
  });

  it("counts findings per grid and category and gives the median time to resolution", async () => {
    // A fresh station of its own: exact numbers.
    const s = await prisma.station.create({ data: { name: "统计测试派出所", city: "绍兴", district: "越城区" } });
    const community = await prisma.community.create({ data: { stationId: s.id, name: "测试社区" } });
    const g1 = await prisma.grid.create({ data: { stationId: s.id, communityId: community.id, name: "一网格", latitude: 30, longitude: 120 } });
    const g2 = await prisma.grid.create({ data: { stationId: s.id, communityId: community.id, name: "二网格", latitude: 30.1, longitude: 120.1 } });
    const acc = (await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } })).id;
    await prisma.accountRole.create({ data: { accountId: acc, role: "OFFICER", stationId: s.id } });
    const t0 = new Date(Date.now() - 10 * 86_400_000);
    const h = (n: number) => new Date(t0.getTime() + n * 3600_000);
    const rows: [string | null, "FIRE_HAZARD" | "ENVIRONMENT" | "DISPUTE", number | null][] = [
      [g1.id, "FIRE_HAZARD", 2],
      [g1.id, "FIRE_HAZARD", 4],
      [g1.id, "ENVIRONMENT", 10],
      [g2.id, "ENVIRONMENT", null],
      [null, "DISPUTE", null],
    ];
    for (const [gridId, category, hours] of rows) {
      await prisma.patrolReport.create({
        data: {
          stationId: s.id, gridId, category, description: "x", reporterAccountId: acc, createdAt: t0,
          ...(hours === null ? { status: "NEW" } : { status: "RESOLVED", resolutionNote: "ok", closedAt: h(hours), assignedOfficerId: acc }),
        },
      });
    }
    const token = await signIn(app, DEMO_PHONES.fushanOfficer);
    const q = `query ($s: ID!) { node(id: $s) { ... on Station { patrolReportStats { total open resolved overdue medianHoursToResolve
      byCategory { category count open } byGrid { gridName count open } } } } }`;
    const stats = (await gql(app, q, { s: gid("Station", s.id) }, token)).data!.node.patrolReportStats;
    expect(stats).toEqual({
      total: 5, open: 2, resolved: 3, overdue: 0, medianHoursToResolve: 4,
      byCategory: [{ category: "FIRE_HAZARD", count: 2, open: 0 }, { category: "ENVIRONMENT", count: 2, open: 1 }, { category: "DISPUTE", count: 1, open: 1 }],
      byGrid: [{ gridName: "一网格", count: 3, open: 0 }, { gridName: "二网格", count: 1, open: 1 }, { gridName: null, count: 1, open: 1 }],
    });
    // Not for a volunteer or another station's officer.
    for (const t of [tok(VOLUNTEER), otherOfficer]) {
      const res = await gql(app, `query ($s: ID!) { node(id: $s) { ... on Station { patrolReportStats { total } } } }`, { s: station() }, t);
      expect(res.data?.node?.patrolReportStats ?? null).toBeNull();
    }
  });

  it("links a report made during a shift to it and places it in the shift's grid", async () => {
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id }, orderBy: { name: "desc" } });
    const { shift } = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), gridId: gid("Grid", grid.id), startsAt: inMinutes(10), endsAt: inMinutes(130), title: "隐患巡查" });
    const claim = (await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(VOLUNTEER))).data!.claimShift.claim;
    await gql(app, CHECK_IN, { input: { claimId: claim.id, method: "QR", code: shift.postCode } }, tok(VOLUNTEER));
    const { report } = await submit(tok(VOLUNTEER), [], { latitude: null, longitude: null });
    const row = await prisma.patrolReport.findUniqueOrThrow({ where: { id: raw(report!.id) } });
    expect(row.shiftId).toBe(raw(shift.id));
    expect(report!.grid.name).toBe(grid.name);
    // Naming a shift that is not the reporter's is refused.
    const theirs = await submit(tok(OTHER_VOLUNTEER), [], { shiftId: shift.id });
    expect(theirs.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "shiftId"] });
  });
});
