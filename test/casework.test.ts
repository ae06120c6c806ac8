// A station's casework over HTTP and WebSocket: patrol findings with photos (multipart, content
// checks, EXIF gone, signed URLs), triage with notifications, audit and the live stream, the numbers;
// mediation cases and their rates; the public home-watch request through visits to erasure.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { localize } from "../api/src/i18n.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { exifOf, jpegWithGps, noisyPhoto, pngPhoto, upload, webpPhoto } from "./support/casework.js";
import { createAccount, createStation, createTeam, createVolunteer, DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
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

describe("patrol findings: the same report sent again", () => {
  // On a weak signal the answer can be lost after the report was made; the volunteer taps 提交上报 again.
  it("answers a repeat of the app's key with the first report, once even in parallel, its photos stored once", async () => {
    const requestId = `rep-${Date.now()}-a`;
    const photo = await jpegWithGps("#a63");
    const first = await submit(tok(VOLUNTEER), [photo], { requestId });
    expect(first.userErrors).toEqual([]);
    const again = await submit(tok(VOLUNTEER), [photo], { requestId });
    expect(again.userErrors).toEqual([]);
    expect(again.report!.id).toBe(first.report!.id);
    const together = `rep-${Date.now()}-b`;
    const files = async () => (await readdir(config.uploadDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile()).length;
    const onDisk = await files();
    const five = await Promise.all([0, 1, 2, 3, 4].map(() => submit(tok(VOLUNTEER), [photo], { requestId: together })));
    expect(five.map((r) => r.userErrors)).toEqual([[], [], [], [], []]);
    expect(new Set(five.map((r) => r.report!.id)).size).toBe(1);
    for (const key of [requestId, together]) {
      const rows = await prisma.patrolReport.findMany({ where: { requestId: key }, select: { id: true } });
      expect(rows).toHaveLength(1);
      expect(await prisma.photo.count({ where: { reportId: rows[0]!.id } })).toBe(1);
      expect(await prisma.patrolReportEvent.count({ where: { reportId: rows[0]!.id } })).toBe(1);
    }
    // The repeats' photos are not left on disk: the one report's photo and its thumbnail.
    expect(await files()).toBe(onDisk + 2);
  });

  it("keeps keys apart per reporter, refuses one reused for another report, and a malformed one", async () => {
    const requestId = `rep-${Date.now()}-c`;
    const mine = await submit(tok(VOLUNTEER), [], { requestId });
    const theirs = await submit(tok(OTHER_VOLUNTEER), [], { requestId });
    expect(theirs.userErrors).toEqual([]);
    expect(theirs.report!.id).not.toBe(mine.report!.id);
    const reused = await submit(tok(VOLUNTEER), [], { requestId, description: "另一处：小区门口井盖缺失" });
    expect(reused.userErrors).toEqual([{ code: "CONFLICT", message: "该请求编号已用于另一条上报", field: ["input", "requestId"] }]);
    const bad = await submit(tok(VOLUNTEER), [], { requestId: "短" });
    expect(bad.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "requestId"] });
    expect(bad.report).toBeNull();
  });
});

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
      { code: "VALIDATION", message: "第2张照片不是有效的图片：只能上传 JPEG、PNG 或 WebP 格式的照片", field: ["input", "photos", "1"] },
    ]);
    // Truncated JPEG: the right magic bytes, no picture.
    const truncated = (await jpegWithGps()).subarray(0, 300);
    const broken = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, truncated)], tok(VOLUNTEER));
    expect(broken.body.data!.submitPatrolReport.userErrors[0].field).toEqual(["input", "photos", "0"]);

    const big = Buffer.alloc(20 * 1024 * 1024, 7);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const huge = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, big, "big.jpg")], tok(VOLUNTEER));
    expect(huge.status).toBe(413);
    expect(huge.body.errors![0]!.message).toBe("文件太大：每个文件（照片、表格）不能超过10MB");
    const english = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, big, "big.jpg")], tok(VOLUNTEER), { "accept-language": "en" });
    expect(english.body.errors![0]!.message).toBe("File too large: at most 10 MB each (photos, sheets)");

    const small = await pngPhoto();
    const seven = Array.from({ length: 7 }, (_, i) => photoPart(i, small, `p${i}.png`, "image/png"));
    const tooMany = await upload(app, SUBMIT, { input: { ...baseInput(), photos: seven.map(() => null) } }, seven, tok(VOLUNTEER));
    // The parser stops at the seventh file, before reading it.
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors![0]!.message).toBe("最多上传6张照片");
    expect(await prisma.patrolReport.count()).toBe(before);
  });

  it("takes photos beyond the 1 MB body limit within the upload limit; a form post without the CSRF header is refused", async () => {
    const photo = await noisyPhoto();
    expect(photo.length).toBeGreaterThan(config.maxBodyBytes);
    const before = await prisma.patrolReport.count();
    // What a page of another site could post: a multipart form without the header.
    const forged = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, photo, "p.png", "image/png")], tok(VOLUNTEER), { "x-graphql-yoga-csrf": "" });
    expect(forged.status).toBe(403);
    expect(await prisma.patrolReport.count()).toBe(before);

    const big = await submit(tok(VOLUNTEER), [photo]);
    expect(big.userErrors).toEqual([]);
    expect(big.report!.photos).toHaveLength(1);

    // MAX_UPLOAD_BODY_BYTES bounds the whole multipart body (read per request).
    const limit = config.maxUploadBodyBytes;
    config.maxUploadBodyBytes = photo.length - 1;
    try {
      const over = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, photo, "p.png", "image/png")], tok(VOLUNTEER));
      expect(over.status).toBe(413);
      expect(over.body.errors![0]!.message).toBe("提交的内容太大");
    } finally {
      config.maxUploadBodyBytes = limit;
    }
    expect(await prisma.patrolReport.count()).toBe(before + 1);
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
    await feed.ready;
    // Only this report's events after its submission: other tests' reports of the station may arrive
    // meanwhile, and the SUBMITTED event may be delivered after the subscription started, or before.
    const ofThis = async (sub: ReturnType<typeof subscribe>, n: number) => {
      const own = () => sub.results.filter((r) => r.data!.patrolReportUpdated.report.id === report!.id && r.data!.patrolReportUpdated.kind !== "SUBMITTED");
      while (own().length < n) await sub.waitFor(sub.results.length + 1);
      return own();
    };

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
    expect(notes.map((n) => localize(n.title, "zh"))).toEqual(["你上报的隐患已分派处理", "你上报的隐患已办结"]);
    expect(await prisma.notification.count({ where: { accountId: leaderAccount.id, kind: "PATROL_REPORT_ASSIGNED" } })).toBe(1);
    // Triage decisions are audited, without personal data.
    const audit = await prisma.auditEntry.findMany({ where: { targetId: raw(report!.id) }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["patrolReport.assign", "patrolReport.resolve"]);
    expect(audit.every((a) => !a.summary.includes(VOLUNTEER))).toBe(true);

    const events = await ofThis(feed, 2);
    expect(events.map((e) => e.data!.patrolReportUpdated.kind)).toEqual(["ASSIGNED", "RESOLVED"]);
    // A reconnecting view replays what came after its cursor.
    const replay = subscribe(client, `subscription ($s: ID!, $since: String) { patrolReportUpdated(stationId: $s, since: $since) { kind report { id } } }`, { s: station(), since: events[0]!.data!.patrolReportUpdated.cursor });
    expect((await ofThis(replay, 1)).map((e) => e.data!.patrolReportUpdated.kind)).toEqual(["RESOLVED"]);
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

describe("patrol findings: to an officer, by grid and period", () => {
  it("an officer assigns a finding to another officer of the station, who is told; a past due date, a foreign officer and a foreign grid are refused", async () => {
    const { report } = await submit(tok(VOLUNTEER));
    // An officer account without a display name is listed (and named) as 社区民警.
    const colleague = await createAccount({ role: "OFFICER", stationId: demo.fushan.id });
    await prisma.account.update({ where: { id: colleague.accountId }, data: { displayName: "" } });
    const list = await gql(app, `query ($s: ID!) { node(id: $s) { ... on Station { assignableOfficers { id displayName } } } }`, { s: station() }, officer);
    const listed = list.data!.node.assignableOfficers.find((o: { id: string }) => o.id === gid("Officer", colleague.accountId));
    expect(listed).toEqual({ id: gid("Officer", colleague.accountId), displayName: "社区民警" });

    const changqingOfficer = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.changqingOfficer } });
    const foreign = await gql(app, ASSIGN, { input: { reportId: report!.id, officerId: gid("Officer", changqingOfficer.id) } }, officer);
    expect(foreign.data!.assignPatrolReport.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.stringContaining("本所民警"), field: ["input", "officerId"] }]);
    const past = await gql(app, ASSIGN, { input: { reportId: report!.id, officerId: listed.id, dueAt: inMinutes(-60) } }, officer);
    expect(past.data!.assignPatrolReport.userErrors).toEqual([{ code: "VALIDATION", message: "处理期限须晚于现在", field: ["input", "dueAt"] }]);
    expect((await prisma.patrolReport.findUniqueOrThrow({ where: { id: raw(report!.id) } })).status).toBe("NEW");

    const assigned = await gql(app, ASSIGN, { input: { reportId: report!.id, officerId: listed.id } }, officer);
    expect(assigned.data!.assignPatrolReport.userErrors).toEqual([]);
    expect(assigned.data!.assignPatrolReport.report).toMatchObject({ status: "ASSIGNED", assigneeKind: "OFFICER", assigneeName: "社区民警" });
    expect(assigned.data!.assignPatrolReport.report.history.at(-1)).toMatchObject({ kind: "ASSIGNED", note: "分派给民警 社区民警" });
    const told = await prisma.notification.findMany({ where: { accountId: colleague.accountId, kind: "PATROL_REPORT_ASSIGNED" } });
    expect(told).toHaveLength(1);
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: "patrolReport.assign", targetId: raw(report!.id) } });
    expect(audit.summary).toBe("分派给民警");
    // The assigned officer resolves it.
    const done = await gql(app, RESOLVE, { input: { reportId: report!.id, note: "已现场处置" } }, colleague.token);
    expect(done.data!.resolvePatrolReport.report.status).toBe("RESOLVED");

    // A grid named by the reporter must be the station's.
    const fushanGrid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const changqingGrid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.changqing.id } });
    expect((await submit(tok(VOLUNTEER), [], { gridId: gid("Grid", changqingGrid.id) })).userErrors).toEqual([
      { code: "NOT_FOUND", message: expect.stringContaining("本所网格"), field: ["input", "gridId"] },
    ]);
    const placed = await submit(tok(VOLUNTEER), [], { gridId: gid("Grid", fushanGrid.id), latitude: null, longitude: null });
    expect(placed.report!.grid.name).toBe(fushanGrid.name);
  });

  it("the queue filters by grid; the numbers cover the period asked for and name grids by ID", async () => {
    const { station: s, officer: o } = await createStation();
    const community = await prisma.community.create({ data: { stationId: s.id, name: "期间社区" } });
    const g = await prisma.grid.create({ data: { stationId: s.id, communityId: community.id, name: "期间网格" } });
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
    const make = (gridId: string | null, daysAgo: number) => prisma.patrolReport.create({ data: { stationId: s.id, gridId, category: "OTHER", description: "x", reporterAccountId: o.accountId, createdAt: at(daysAgo) } });
    const inGrid = await make(g.id, 2);
    await make(null, 2);
    const older = await make(g.id, 400);
    const sg = gid("Station", s.id);
    const queue = await gql(app, `query ($s: ID!, $g: ID) { node(id: $s) { ... on Station { patrolReports(first: 10, gridId: $g) { edges { node { id } } } } } }`, { s: sg, g: gid("Grid", g.id) }, o.token);
    expect(queue.data!.node.patrolReports.edges.map((e: { node: { id: string } }) => raw(e.node.id))).toEqual([inGrid.id, older.id]);
    const STATS = `query ($s: ID!, $from: DateTime, $to: DateTime) { node(id: $s) { ... on Station { patrolReportStats(from: $from, to: $to) { total byGrid { gridId gridName count } } } } }`;
    // By default the last 365 days: the old one is left out.
    const year = (await gql(app, STATS, { s: sg }, o.token)).data!.node.patrolReportStats;
    expect(year).toEqual({ total: 2, byGrid: [{ gridId: gid("Grid", g.id), gridName: "期间网格", count: 1 }, { gridId: null, gridName: null, count: 1 }] });
    const all = (await gql(app, STATS, { s: sg, from: at(500).toISOString(), to: at(1).toISOString() }, o.token)).data!.node.patrolReportStats;
    expect(all.total).toBe(3);
    const old = (await gql(app, STATS, { s: sg, from: at(500).toISOString(), to: at(300).toISOString() }, o.token)).data!.node.patrolReportStats;
    expect(old).toEqual({ total: 1, byGrid: [{ gridId: gid("Grid", g.id), gridName: "期间网格", count: 1 }] });
  });
});

describe("mediation: 警民联调", () => {
  const CREATE_MEDIATOR = `mutation ($input: CreateMediatorInput!) { createMediator(input: $input) { mediator { id displayName years fields isVolunteer successRate } userErrors { code message field } } }`;
  const OPEN = `mutation ($input: OpenMediationCaseInput!) { openMediationCase(input: $input) { case { id status parties { name phone role } mediators { displayName } } userErrors { code message field } } }`;
  const SESSION = `mutation ($input: RecordMediationSessionInput!) { recordMediationSession(input: $input) { session { id notes recordedByName } userErrors { code message field } } }`;
  const CLOSE = `mutation ($input: CloseMediationCaseInput!) { closeMediationCase(input: $input) { case { id status outcome succeeded agreementText } userErrors { code message field } } }`;
  const STATS = `query ($s: ID!) { node(id: $s) { ... on Station { mediationStats { open closed succeeded successRate byOutcome { outcome count } openByAge { bucket count } } } } }`;
  const CASE = `query ($id: ID!) { node(id: $id) { ... on MediationCase { id status parties { name phone } sessions { notes } viewerCanWork } } }`;

  it("a mediator volunteer and a named person; a case settles with its agreement and the rates change; parties stay private", async () => {
    // The leader has the MEDIATION specialty; volunteer 150 has not.
    const leaderVol = await demo.volunteer(DEMO_PHONES.haolinsheLeader);
    const plain = await demo.volunteer(VOLUNTEER);
    const noSpecialty = await gql(app, CREATE_MEDIATOR, { input: { stationId: station(), volunteerId: gid("Volunteer", plain.id), years: 2 } }, officer);
    expect(noSpecialty.data!.createMediator.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "volunteerId"] });
    const wu = await gql(app, CREATE_MEDIATOR, { input: { stationId: station(), volunteerId: gid("Volunteer", leaderVol.id), title: "老娘舅", years: 12, fields: ["NEIGHBOUR", "PROPERTY"] } }, officer);
    expect(wu.data!.createMediator.mediator).toMatchObject({ displayName: leaderVol.displayName, years: 12, isVolunteer: true, successRate: null });
    const judge = await gql(app, CREATE_MEDIATOR, { input: { stationId: station(), displayName: "陈法官（退休）", title: "退休法官", years: 30, fields: ["FAMILY"] } }, officer);
    const judgeId = judge.data!.createMediator.mediator.id;
    const wuId = wu.data!.createMediator.mediator.id;
    // Residents pick from the public list without signing in.
    const pub = await gql(app, `query ($s: ID!) { mediators(stationId: $s, first: 10) { edges { node { displayName title years fields closedCases successRate } } } }`, { s: station() });
    const names = pub.data!.mediators.edges.map((e: { node: { displayName: string } }) => e.node.displayName);
    expect(names).toEqual(expect.arrayContaining(["陈法官（退休）", leaderVol.displayName]));
    // Most experienced first.
    expect(names.indexOf("陈法官（退休）")).toBeLessThan(names.indexOf(leaderVol.displayName));
    // A volunteer cannot add mediators; another station's officer cannot either.
    expect((await gql(app, CREATE_MEDIATOR, { input: { stationId: station(), displayName: "x" } }, tok(VOLUNTEER))).data!.createMediator.userErrors[0].code).toBe("FORBIDDEN");
    expect((await gql(app, CREATE_MEDIATOR, { input: { stationId: station(), displayName: "x" } }, otherOfficer)).data!.createMediator.userErrors[0].code).toBe("NOT_FOUND");

    const before = (await gql(app, STATS, { s: station() }, officer)).data!.node.mediationStats;
    const parties = [{ name: "张建国", phone: "13711112222", role: "APPLICANT" }, { name: "李秀英", phone: "13733334444", role: "RESPONDENT" }];
    const opened = await gql(app, OPEN, { input: { stationId: station(), category: "NEIGHBOUR", summary: "楼上装修漏水，双方就赔偿金额争执", source: "RESIDENT", parties, mediatorIds: [wuId] } }, officer);
    expect(opened.data!.openMediationCase.userErrors).toEqual([]);
    const c = opened.data!.openMediationCase.case;
    expect(c.parties).toEqual(parties.map(({ name, phone, role }) => ({ name, phone, role })));
    // A mediator of another station cannot be put on it.
    const changqingMediator = await prisma.mediator.create({ data: { stationId: demo.changqing.id, displayName: "长庆调解员", years: 3 } });
    const wrong = await gql(app, OPEN, { input: { stationId: station(), category: "NEIGHBOUR", summary: "x", source: "OTHER", parties, mediatorIds: [gid("Mediator", changqingMediator.id)] } }, officer);
    expect(wrong.data!.openMediationCase.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "mediatorIds", "0"] });

    // The case's mediator (老吴, signed in as the leader) sees the parties and records a session; the
    // judge has no account; a volunteer and another station's officer see nothing.
    const asMediator = await gql(app, CASE, { id: c.id }, leader);
    expect(asMediator.data!.node).toMatchObject({ status: "OPEN", viewerCanWork: true, parties: [{ name: "张建国", phone: "13711112222" }, { name: "李秀英", phone: "13733334444" }] });
    for (const t of [tok(VOLUNTEER), otherOfficer, null]) expect((await gql(app, CASE, { id: c.id }, t)).data!.node).toBeNull();
    const leaderAccount = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } });
    expect(await prisma.notification.count({ where: { accountId: leaderAccount.id, kind: "MEDIATION_ASSIGNED" } })).toBe(1);
    const session = await gql(app, SESSION, { input: { caseId: c.id, heldAt: inMinutes(-30), place: "警民联调工作室", notes: "双方到场，查看漏水现场，初步同意按维修报价分担" } }, leader);
    expect(session.data!.recordMediationSession.session).toMatchObject({ recordedByName: leaderVol.displayName });
    expect((await gql(app, SESSION, { input: { caseId: c.id, heldAt: inMinutes(-30), notes: "x" } }, tok(VOLUNTEER))).data!.recordMediationSession.userErrors[0].code).toBe("FORBIDDEN");

    // Settling needs the agreement's text.
    const noText = await gql(app, CLOSE, { input: { caseId: c.id, outcome: "SETTLED" } }, leader);
    expect(noText.data!.closeMediationCase.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "agreementText"] });
    const agreement = "一、楼上住户承担维修费用的70%计2100元；二、于2026年12月10日前付清；三、双方不再就此事争执。";
    const settled = await gql(app, CLOSE, { input: { caseId: c.id, outcome: "SETTLED", agreementText: agreement } }, leader);
    expect(settled.data!.closeMediationCase.case).toMatchObject({ status: "CLOSED", outcome: "SETTLED", succeeded: true, agreementText: agreement });
    expect((await gql(app, CLOSE, { input: { caseId: c.id, outcome: "FAILED" } }, officer)).data!.closeMediationCase.userErrors[0].code).toBe("CONFLICT");

    // A second case fails; a third is still open: the station's rate is 1 of 2, the mediator's 1 of 1.
    const second = (await gql(app, OPEN, { input: { stationId: station(), category: "FAMILY", summary: "家庭财产纠纷", source: "POLICE", parties: [parties[0]], mediatorIds: [judgeId] } }, officer)).data!.openMediationCase.case;
    await gql(app, CLOSE, { input: { caseId: second.id, outcome: "FAILED" } }, officer);
    await gql(app, OPEN, { input: { stationId: station(), category: "PROPERTY", summary: "物业费争议", source: "COMMUNITY", parties: [parties[1]], mediatorIds: [wuId, judgeId] } }, officer);
    const after = (await gql(app, STATS, { s: station() }, officer)).data!.node.mediationStats;
    expect(after.closed - before.closed).toBe(2);
    expect(after.succeeded - before.succeeded).toBe(1);
    expect(after.successRate).toBe(Math.round(((before.succeeded + 1) / (before.closed + 2)) * 1000) / 1000);
    expect(after.openByAge.find((a: { bucket: string }) => a.bucket === "WITHIN_7_DAYS").count - before.openByAge.find((a: { bucket: string }) => a.bucket === "WITHIN_7_DAYS").count).toBe(1);
    const profile = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Mediator { closedCases openCases successRate } } }`, { id: wuId });
    expect(profile.data!.node).toEqual({ closedCases: 1, openCases: 1, successRate: 1 });
    const judgeProfile = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Mediator { closedCases successRate } } }`, { id: judgeId });
    expect(judgeProfile.data!.node).toEqual({ closedCases: 1, successRate: 0 });
    // Only officers see the station's numbers.
    expect((await gql(app, STATS, { s: station() }, leader)).data?.node?.mediationStats ?? null).toBeNull();
    // Audit: opening and closing, no party's name or phone.
    const audit = await prisma.auditEntry.findMany({ where: { targetId: raw(c.id) } });
    expect(audit.map((a) => a.action).sort()).toEqual(["mediation.close", "mediation.open"]);
    expect(audit.some((a) => /张建国|13711112222/.test(a.summary))).toBe(false);
  });

  it("refuses a mediator without a public name or from another station, a session in the future or before the case, a referral without its department; edits keep what they leave out", async () => {
    const nameless = await gql(app, CREATE_MEDIATOR, { input: { stationId: station(), years: 3 } }, officer);
    expect(nameless.data!.createMediator.userErrors).toEqual([{ code: "VALIDATION", message: "请填写调解员的公开称呼", field: ["input", "displayName"] }]);
    const elsewhere = await demo.volunteer(CHANGQING_VOLUNTEER);
    const foreign = await gql(app, CREATE_MEDIATOR, { input: { stationId: station(), volunteerId: gid("Volunteer", elsewhere.id) } }, officer);
    expect(foreign.data!.createMediator.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.stringContaining("本所义警"), field: ["input", "volunteerId"] }]);

    const created = await gql(app, CREATE_MEDIATOR, { input: { stationId: station(), displayName: "钱律师", title: "律师", years: 6, fields: ["LABOUR"] } }, officer);
    const mediatorId = created.data!.createMediator.mediator.id;
    const UPDATE = `mutation ($input: UpdateMediatorInput!) { updateMediator(input: $input) { mediator { displayName years fields } userErrors { code } } }`;
    // Changing only the biography leaves the name, years and fields as they were.
    const bio = await gql(app, UPDATE, { input: { mediatorId, bio: "擅长劳动争议" } }, officer);
    expect(bio.data!.updateMediator).toEqual({ mediator: { displayName: "钱律师", years: 6, fields: ["LABOUR"] }, userErrors: [] });
    expect(await prisma.mediator.findUniqueOrThrow({ where: { id: raw(mediatorId) } })).toMatchObject({ title: "律师", bio: "擅长劳动争议", active: true });

    const opened = await gql(app, OPEN, { input: { stationId: station(), category: "LABOUR", summary: "欠薪纠纷", source: "RESIDENT", parties: [{ name: "孙七", role: "APPLICANT" }], mediatorIds: [mediatorId] } }, officer);
    const caseId = opened.data!.openMediationCase.case.id;
    const future = await gql(app, SESSION, { input: { caseId, heldAt: inMinutes(60), notes: "x" } }, officer);
    expect(future.data!.recordMediationSession.userErrors).toEqual([{ code: "VALIDATION", message: "调解时间不能晚于现在", field: ["input", "heldAt"] }]);
    const before = await gql(app, SESSION, { input: { caseId, heldAt: inMinutes(-3 * 24 * 60), notes: "x" } }, officer);
    expect(before.data!.recordMediationSession.userErrors).toEqual([{ code: "VALIDATION", message: "调解时间不能早于受理日期", field: ["input", "heldAt"] }]);
    // Written down the morning after a session held the evening before the case was opened: fine.
    expect((await gql(app, SESSION, { input: { caseId, heldAt: inMinutes(-12 * 60), notes: "电话沟通" } }, officer)).data!.recordMediationSession.userErrors).toEqual([]);
    const unknown = gid("MediationCase", "00000000-0000-4000-8000-000000000000");
    expect((await gql(app, SESSION, { input: { caseId: unknown, heldAt: inMinutes(-5), notes: "x" } }, officer)).data!.recordMediationSession.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "caseId"] });

    const noDepartment = await gql(app, CLOSE, { input: { caseId, outcome: "REFERRED" } }, officer);
    expect(noDepartment.data!.closeMediationCase.userErrors).toEqual([{ code: "VALIDATION", message: "请填写移交的部门", field: ["input", "referredTo"] }]);
    const referred = await gql(app, CLOSE, { input: { caseId, outcome: "REFERRED", referredTo: "区劳动监察大队", agreementText: "不应保存" } }, officer);
    expect(referred.data!.closeMediationCase.case).toMatchObject({ status: "CLOSED", outcome: "REFERRED", succeeded: false, agreementText: null });
    expect(await prisma.mediationCase.findUniqueOrThrow({ where: { id: raw(caseId) } })).toMatchObject({ referredTo: "区劳动监察大队", agreementText: null });

    // Withdrawn: the rest of the profile stays.
    await gql(app, UPDATE, { input: { mediatorId, active: false } }, officer);
    expect(await prisma.mediator.findUniqueOrThrow({ where: { id: raw(mediatorId) } })).toMatchObject({ displayName: "钱律师", bio: "擅长劳动争议", active: false });
    expect((await prisma.auditEntry.findMany({ where: { targetId: raw(mediatorId), action: "mediator.update" }, orderBy: { id: "asc" } })).map((a) => a.summary)).toEqual(["更新资料", "停用"]);
  });

  it("counts open cases by age", async () => {
    const s = await prisma.station.create({ data: { name: "调解统计派出所", city: "奉化", district: "奉化区" } });
    const acc = (await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.changqingOfficer } })).id;
    await prisma.accountRole.create({ data: { accountId: acc, role: "OFFICER", stationId: s.id } });
    const days = (n: number) => new Date(Date.now() - n * 86_400_000);
    for (const age of [1, 3, 10, 45, 100, 200]) {
      await prisma.mediationCase.create({ data: { stationId: s.id, category: "OTHER", summary: "x", source: "OTHER", openedById: acc, openedAt: days(age) } });
    }
    await prisma.mediationCase.create({ data: { stationId: s.id, category: "OTHER", summary: "x", source: "OTHER", openedById: acc, openedAt: days(300), status: "CLOSED", outcome: "JUDICIAL_CONFIRMATION", agreementText: "协议", closedAt: days(250) } });
    const token = await signIn(app, DEMO_PHONES.changqingOfficer);
    const stats = (await gql(app, STATS, { s: gid("Station", s.id) }, token)).data!.node.mediationStats;
    expect(stats).toEqual({
      open: 6, closed: 1, succeeded: 1, successRate: 1,
      byOutcome: [{ outcome: "JUDICIAL_CONFIRMATION", count: 1 }],
      openByAge: [{ bucket: "WITHIN_7_DAYS", count: 2 }, { bucket: "WITHIN_30_DAYS", count: 1 }, { bucket: "WITHIN_90_DAYS", count: 1 }, { bucket: "OVER_90_DAYS", count: 2 }],
    });
  });
});

describe("holiday home-watch: 长假照看", () => {
  const REQUEST = `mutation ($input: RequestHomeWatchInput!) { requestHomeWatch(input: $input) { confirmationCode status { status stationName plannedVisits eraseAfter } userErrors { code message field } } }`;
  const STATUS = `query ($code: String!) { homeWatchStatus(code: $code) { status stationName declineReason plannedVisits visits { visitedAt result } erased } }`;
  const APPROVE = `mutation ($input: ApproveHomeWatchRequestInput!) { approveHomeWatchRequest(input: $input) { shiftCount request { id status team { name } shifts { id kind title place startsAt } } userErrors { code message field } } }`;
  const DECLINE = `mutation ($input: DeclineHomeWatchRequestInput!) { declineHomeWatchRequest(input: $input) { request { id status declineReason } userErrors { code message field } } }`;
  const LOG = `mutation ($input: LogHomeWatchVisitInput!) { logHomeWatchVisit(input: $input) { visit { id result note visitorName photos { url } } userErrors { code message field } } }`;
  const SHIFT = `query ($id: ID!) { node(id: $id) { ... on Shift { kind title viewerCanLogVisit homeWatch { name phone address contactWhileAway viewerSeesDetails } homeWatchVisits { result note } } } }`;
  const days = (n: number) => new Date(Date.now() + n * 86_400_000);
  const form = (over: Record<string, unknown> = {}) => ({
    stationId: gid("Station", demo.changqing.id),
    name: "周阿姨",
    phone: "13655556666",
    address: "杭州市拱墅区吴牙社区5幢2单元301",
    awayFrom: days(1).toISOString(),
    awayTo: days(4).toISOString(),
    contactWhileAway: "女儿 13677778888",
    notes: "阳台有花，门口有快递柜",
    ...over,
  });

  beforeAll(async () => {
    const { resetHomeWatchLimits } = await import("../api/src/modules/homewatch/homewatch.service.js");
    resetHomeWatchLimits();
  });

  it("a resident asks without an account, the officer approves, shifts appear for the grid's team, a problem visit notifies the officer, the resident sees it by code", async () => {
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.changqing.id }, orderBy: { name: "asc" } });
    const asked = await gql(app, REQUEST, { input: form({ gridId: gid("Grid", grid.id) }) });
    expect(asked.data!.requestHomeWatch.userErrors).toEqual([]);
    const code: string = asked.data!.requestHomeWatch.confirmationCode;
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(asked.data!.requestHomeWatch.status).toMatchObject({ status: "PENDING", stationName: "长庆派出所", plannedVisits: [] });
    // The code is stored only as its hash; the officer was told of the new request.
    const row = await prisma.homeWatchRequest.findFirstOrThrow({ where: { phone: "13655556666" }, orderBy: { createdAt: "desc" } });
    expect(row.codeHash).not.toContain(code.replace(/-/g, ""));
    const officerAccount = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.changqingOfficer } });
    expect(await prisma.notification.count({ where: { accountId: officerAccount.id, kind: "HOME_WATCH_REQUESTED" } })).toBeGreaterThan(0);
    // Lower case and without dashes, the code still works; a wrong one finds nothing.
    expect((await gql(app, STATUS, { code: code.toLowerCase().replace(/-/g, "") })).data!.homeWatchStatus.status).toBe("PENDING");
    expect((await gql(app, STATUS, { code: "ABCD-EFGH-JKMN" })).data!.homeWatchStatus).toBeNull();

    // The officer sees it in full; fushan's officer and a volunteer cannot approve it.
    const id = gid("HomeWatchRequest", row.id);
    const seen = await gql(app, `query ($id: ID!) { node(id: $id) { ... on HomeWatchRequest { name phone address suggestedTeam { name } viewerCanDecide } } }`, { id }, otherOfficer);
    expect(seen.data!.node).toEqual({ name: "周阿姨", phone: "13655556666", address: "杭州市拱墅区吴牙社区5幢2单元301", suggestedTeam: { name: "吴牙社区安全委员会" }, viewerCanDecide: true });
    expect((await gql(app, APPROVE, { input: { requestId: id } }, officer)).data!.approveHomeWatchRequest.userErrors[0].code).toBe("NOT_FOUND");
    expect((await gql(app, APPROVE, { input: { requestId: id } }, tok(CHANGQING_VOLUNTEER))).data!.approveHomeWatchRequest.userErrors[0].code).toBe("FORBIDDEN");

    const approved = await gql(app, APPROVE, { input: { requestId: id, visitTime: "09:30" } }, otherOfficer);
    const result = approved.data!.approveHomeWatchRequest;
    expect(result.userErrors).toEqual([]);
    expect(result.request.status).toBe("APPROVED");
    expect(result.request.team.name).toBe("吴牙社区安全委员会");
    expect(result.shiftCount).toBeGreaterThanOrEqual(3);
    expect(result.request.shifts.every((s: { kind: string; title: string; place: string }) => s.kind === "HOME_WATCH" && !s.title.includes("5幢") && !s.place.includes("5幢"))).toBe(true);
    // 09:30 in Shanghai is 01:30 UTC.
    expect(result.request.shifts.every((s: { startsAt: string }) => s.startsAt.slice(11, 16) === "01:30")).toBe(true);
    expect((await gql(app, STATUS, { code })).data!.homeWatchStatus.plannedVisits).toHaveLength(result.shiftCount);
    // Deciding twice is refused.
    expect((await gql(app, DECLINE, { input: { requestId: id, reason: "x" } }, otherOfficer)).data!.declineHomeWatchRequest.userErrors[0].code).toBe("CONFLICT");

    // A committee member claims the first visit: only then does the address show, in full, to them.
    const first = result.request.shifts[0];
    const before = await gql(app, SHIFT, { id: first.id }, tok(CHANGQING_VOLUNTEER));
    expect(before.data!.node.homeWatch).toMatchObject({ viewerSeesDetails: false, name: "周**", phone: "136****6666" });
    expect(before.data!.node.homeWatch.address).not.toContain("5幢");
    expect(before.data!.node.homeWatchVisits).toBeNull();
    const claim = await gql(app, CLAIM, { input: { shiftId: first.id } }, tok(CHANGQING_VOLUNTEER));
    expect(claim.data!.claimShift.userErrors).toEqual([]);
    const after = await gql(app, SHIFT, { id: first.id }, tok(CHANGQING_VOLUNTEER));
    expect(after.data!.node.homeWatch).toMatchObject({ viewerSeesDetails: true, address: "杭州市拱墅区吴牙社区5幢2单元301", contactWhileAway: "女儿 13677778888" });
    expect(after.data!.node.viewerCanLogVisit).toBe(true);
    // The visit happens when the shift starts.
    clock.advance(new Date(first.startsAt).getTime() - Date.now() + 5 * 60_000);

    // A visit needs to be on the shift: fushan's volunteer cannot log one; a problem needs a note.
    expect((await gql(app, LOG, { input: { shiftId: first.id, result: "ALL_FINE" } }, tok(VOLUNTEER))).data!.logHomeWatchVisit.userErrors[0].code).toBe("NOT_FOUND");
    expect((await gql(app, LOG, { input: { shiftId: first.id, result: "PROBLEM" } }, tok(CHANGQING_VOLUNTEER))).data!.logHomeWatchVisit.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "note"] });
    const officerNotes = () => prisma.notification.count({ where: { accountId: officerAccount.id, kind: "HOME_WATCH_PROBLEM" } });
    const problemsBefore = await officerNotes();
    await gql(app, LOG, { input: { shiftId: first.id, result: "ALL_FINE" } }, tok(CHANGQING_VOLUNTEER));
    expect(await officerNotes()).toBe(problemsBefore);
    const logged = await upload(app, LOG, { input: { shiftId: first.id, result: "PROBLEM", note: "一楼单元门被撬，已报110", photo: null } }, [{ path: "variables.input.photo", data: await jpegWithGps("#a44"), name: "door.jpg", type: "image/jpeg" }], tok(CHANGQING_VOLUNTEER));
    expect(logged.body.data!.logHomeWatchVisit.userErrors).toEqual([]);
    expect(logged.body.data!.logHomeWatchVisit.visit).toMatchObject({ result: "PROBLEM", note: "一楼单元门被撬，已报110" });
    expect(logged.body.data!.logHomeWatchVisit.visit.photos).toHaveLength(1);
    // At once: the notification row exists when the mutation answers.
    expect(await officerNotes()).toBe(problemsBefore + 1);
    const note = await prisma.notification.findFirstOrThrow({ where: { accountId: officerAccount.id, kind: "HOME_WATCH_PROBLEM" }, orderBy: { createdAt: "desc" } });
    expect(note.body).toContain("一楼单元门被撬");
    expect(note.body).not.toContain("5幢");

    // The resident sees the visits' dates and results, nothing else.
    const status = (await gql(app, STATUS, { code })).data!.homeWatchStatus;
    expect(status.visits.map((v: { result: string }) => v.result)).toEqual(["ALL_FINE", "PROBLEM"]);
    expect(JSON.stringify(status)).not.toContain("撬");
  });

  it("the officer declines with a reason the resident reads; dates and other stations' grids are checked; the form is rate limited", async () => {
    const fushanGrid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const foreign = await gql(app, REQUEST, { input: form({ gridId: gid("Grid", fushanGrid.id) }) });
    expect(foreign.data!.requestHomeWatch.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "gridId"] });
    const backwards = await gql(app, REQUEST, { input: form({ awayFrom: days(5).toISOString(), awayTo: days(2).toISOString() }) });
    expect(backwards.data!.requestHomeWatch.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "awayTo"] });
    const badPhone = await gql(app, REQUEST, { input: form({ phone: "12345" }) });
    expect(badPhone.data!.requestHomeWatch.userErrors[0].field).toEqual(["input", "phone"]);

    const asked = await gql(app, REQUEST, { input: form({ phone: "13655550001" }) });
    const code = asked.data!.requestHomeWatch.confirmationCode;
    const row = await prisma.homeWatchRequest.findFirstOrThrow({ where: { phone: "13655550001" } });
    const declined = await gql(app, DECLINE, { input: { requestId: gid("HomeWatchRequest", row.id), reason: "该地址不在本所辖区，请联系所在地派出所" } }, otherOfficer);
    expect(declined.data!.declineHomeWatchRequest.request.status).toBe("DECLINED");
    expect((await gql(app, STATUS, { code })).data!.homeWatchStatus).toMatchObject({ status: "DECLINED", declineReason: "该地址不在本所辖区，请联系所在地派出所" });
    expect((await prisma.auditEntry.findFirstOrThrow({ where: { action: "homeWatch.decline", targetId: row.id } })).summary).not.toContain("13655550001");

    // The same address may send only a few requests an hour; the refusal says how long to wait.
    const { limits, resetHomeWatchLimits } = await import("../api/src/modules/homewatch/homewatch.service.js");
    resetHomeWatchLimits();
    const answers: string[] = [];
    for (let i = 0; i < config.homeWatchRequestsPerHour + 1; i++) {
      const r = await gql(app, REQUEST, { input: form({ phone: `1365555${String(1000 + i)}` }) });
      answers.push(r.data!.requestHomeWatch.userErrors[0]?.code ?? "OK");
    }
    expect(answers).toEqual([...Array(config.homeWatchRequestsPerHour).fill("OK"), "RATE_LIMITED"]);
    const limited = await gql(app, REQUEST, { input: form({ phone: "13655559999" }) });
    expect(limited.data!.requestHomeWatch.userErrors[0].message).toMatch(/^提交过于频繁，请\d+分钟后再试$/);
    // Guessing codes is limited too.
    limits.lookups.reset();
    let lookups = 0;
    for (;;) {
      const r = await gql(app, STATUS, { code: `ZZZZ-ZZZZ-${String(lookups).padStart(4, "2")}` });
      if (r.errors) {
        expect(r.errors[0]!.extensions!.code).toBe("RATE_LIMITED");
        break;
      }
      lookups++;
      expect(lookups).toBeLessThanOrEqual(config.homeWatchLookupsPerHour);
    }
    expect(lookups).toBe(config.homeWatchLookupsPerHour);
    resetHomeWatchLimits();
  });

  it("refuses a return date already past, a request more than half a year ahead and an absence longer than 62 days", async () => {
    const { resetHomeWatchLimits } = await import("../api/src/modules/homewatch/homewatch.service.js");
    resetHomeWatchLimits();
    const before = await prisma.homeWatchRequest.count();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ awayFrom: days(-5).toISOString(), awayTo: days(-1).toISOString() }, "返回日期已过", "awayTo"],
      [{ awayFrom: days(200).toISOString(), awayTo: days(210).toISOString() }, "只能申请半年内的照看", "awayFrom"],
      [{ awayFrom: days(1).toISOString(), awayTo: days(64).toISOString() }, "照看最长62天", "awayTo"],
    ];
    for (const [dates, message, field] of cases) {
      const res = await gql(app, REQUEST, { input: form({ phone: "13655550003", ...dates }) });
      expect(res.data!.requestHomeWatch.userErrors, message).toEqual([{ code: "VALIDATION", message, field: ["input", field] }]);
    }
    // Exactly 62 days is accepted (both ends from one instant: two clock reads a millisecond apart make it longer).
    const from = days(1);
    const to = new Date(from.getTime() + 62 * 86_400_000);
    expect((await gql(app, REQUEST, { input: form({ phone: "13655550003", awayFrom: from.toISOString(), awayTo: to.toISOString() }) })).data!.requestHomeWatch.userErrors).toEqual([]);
    expect(await prisma.homeWatchRequest.count()).toBe(before + 1);
  });

  describe("at a station with two teams", () => {
    // ISO weekday (1 = Monday) of a moment in Asia/Shanghai.
    const weekday = (d: Date) => new Date(d.getTime() + 8 * 3600_000).getUTCDay() || 7;
    async function pendingRequest(phone: string) {
      const { resetHomeWatchLimits } = await import("../api/src/modules/homewatch/homewatch.service.js");
      resetHomeWatchLimits();
      const own = await createStation();
      const second = await createTeam(own.station.id);
      const awayFrom = days(1);
      const asked = await gql(app, REQUEST, { input: form({ stationId: gid("Station", own.station.id), phone, awayFrom: awayFrom.toISOString(), awayTo: days(3).toISOString() }) });
      expect(asked.data!.requestHomeWatch.userErrors).toEqual([]);
      const row = await prisma.homeWatchRequest.findFirstOrThrow({ where: { stationId: own.station.id } });
      return { ...own, second, awayFrom, id: gid("HomeWatchRequest", row.id), row };
    }

    it("approval needs a team of the station when none can be suggested, a grid of the station, and a weekday inside the absence", async () => {
      const r = await pendingRequest("13655550004");
      const noTeam = await gql(app, APPROVE, { input: { requestId: r.id } }, r.officer.token);
      expect(noTeam.data!.approveHomeWatchRequest.userErrors).toEqual([{ code: "VALIDATION", message: "请选择负责照看的队伍", field: ["input", "teamId"] }]);
      const foreignTeam = await gql(app, APPROVE, { input: { requestId: r.id, teamId: teamGid(demo.committee.id) } }, r.officer.token);
      expect(foreignTeam.data!.approveHomeWatchRequest.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "teamId"] });
      const foreignGrid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.changqing.id } });
      const gridRes = await gql(app, APPROVE, { input: { requestId: r.id, teamId: teamGid(r.team.id), gridId: gid("Grid", foreignGrid.id) } }, r.officer.token);
      expect(gridRes.data!.approveHomeWatchRequest.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "gridId"] });
      // The day before departure never falls inside a two-day absence.
      const outside = weekday(new Date(r.awayFrom.getTime() - 86_400_000));
      const none = await gql(app, APPROVE, { input: { requestId: r.id, teamId: teamGid(r.team.id), weekdays: [outside] } }, r.officer.token);
      expect(none.data!.approveHomeWatchRequest.userErrors).toEqual([{ code: "VALIDATION", message: "所选日期内没有可安排的照看", field: ["input", "weekdays"] }]);
      expect((await prisma.homeWatchRequest.findUniqueOrThrow({ where: { id: r.row.id } })).status).toBe("PENDING");

      // On the second day's weekday only (named twice): one visit, on that weekday, by the chosen team.
      const wd = weekday(days(2));
      const ok = await gql(app, APPROVE, { input: { requestId: r.id, teamId: teamGid(r.second.id), weekdays: [wd, wd] } }, r.officer.token);
      expect(ok.data!.approveHomeWatchRequest.userErrors).toEqual([]);
      expect(ok.data!.approveHomeWatchRequest.shiftCount).toBe(1);
      expect(ok.data!.approveHomeWatchRequest.request.team.name).toBe(r.second.name);
      expect(weekday(new Date(ok.data!.approveHomeWatchRequest.request.shifts[0].startsAt))).toBe(wd);
      expect((await prisma.homeWatchRequest.findUniqueOrThrow({ where: { id: r.row.id } })).weekdays).toEqual([wd]);
    });

    it("a visit cannot be logged in the future, long before its shift or on a cancelled shift; a problem reaches the station's officers when the approving one has left", async () => {
      const r = await pendingRequest("13655550005");
      const approved = await gql(app, APPROVE, { input: { requestId: r.id, teamId: teamGid(r.team.id) } }, r.officer.token);
      const [first, second] = approved.data!.approveHomeWatchRequest.request.shifts as { id: string; startsAt: string }[];
      const v = await createVolunteer({ teamId: r.team.id });
      for (const s of [first!, second!]) expect((await gql(app, CLAIM, { input: { shiftId: s.id } }, v.token)).data!.claimShift.userErrors).toEqual([]);
      const start = new Date(first!.startsAt).getTime();
      clock.advance(start - Date.now() + 60_000);

      const future = await gql(app, LOG, { input: { shiftId: first!.id, result: "ALL_FINE", visitedAt: new Date(start + 3600_000).toISOString() } }, v.token);
      expect(future.data!.logHomeWatchVisit.userErrors).toEqual([{ code: "VALIDATION", message: "照看时间不能晚于现在", field: ["input", "visitedAt"] }]);
      const early = await gql(app, LOG, { input: { shiftId: first!.id, result: "ALL_FINE", visitedAt: new Date(start - 13 * 3600_000).toISOString() } }, v.token);
      expect(early.data!.logHomeWatchVisit.userErrors).toEqual([{ code: "VALIDATION", message: "照看时间早于本班次", field: ["input", "visitedAt"] }]);
      await prisma.shift.update({ where: { id: raw(second!.id) }, data: { status: "CANCELLED" } });
      const cancelled = await gql(app, LOG, { input: { shiftId: second!.id, result: "ALL_FINE" } }, v.token);
      expect(cancelled.data!.logHomeWatchVisit.userErrors).toEqual([{ code: "CONFLICT", message: "班次已取消", field: ["input", "shiftId"] }]);
      expect(await prisma.homeWatchVisit.count({ where: { requestId: r.row.id } })).toBe(0);

      // The approving officer left the station; a colleague hears of the problem instead.
      const colleague = await createAccount({ role: "OFFICER", stationId: r.station.id });
      await prisma.accountRole.deleteMany({ where: { accountId: r.officer.accountId, stationId: r.station.id } });
      const problem = await gql(app, LOG, { input: { shiftId: first!.id, result: "PROBLEM", note: "窗户未关" } }, v.token);
      expect(problem.data!.logHomeWatchVisit.userErrors).toEqual([]);
      expect(await prisma.notification.count({ where: { accountId: colleague.accountId, kind: "HOME_WATCH_PROBLEM" } })).toBe(1);
      expect(await prisma.notification.count({ where: { accountId: r.officer.accountId, kind: "HOME_WATCH_PROBLEM" } })).toBe(0);
    });
  });

  it("erases name, phone, address and visit photos 30 days after the return, once, from any process", async () => {
    const { eraseExpiredHomeWatch } = await import("../api/src/modules/homewatch/homewatch.service.js");
    const asked = await gql(app, REQUEST, { input: form({ phone: "13655550002" }) });
    const code = asked.data!.requestHomeWatch.confirmationCode;
    const row = await prisma.homeWatchRequest.findFirstOrThrow({ where: { phone: "13655550002" } });
    const approved = await gql(app, APPROVE, { input: { requestId: gid("HomeWatchRequest", row.id), visitTime: "15:00" } }, otherOfficer);
    const shift = approved.data!.approveHomeWatchRequest.request.shifts[0];
    expect((await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(CHANGQING_VOLUNTEER))).data!.claimShift.userErrors).toEqual([]);
    clock.advance(new Date(shift.startsAt).getTime() - Date.now() + 60_000);
    const visit = await upload(app, LOG, { input: { shiftId: shift.id, result: "ALL_FINE", note: "门窗完好", photo: null } }, [{ path: "variables.input.photo", data: await pngPhoto(), name: "ok.png", type: "image/png" }], tok(CHANGQING_VOLUNTEER));
    expect(visit.body.data!.logHomeWatchVisit.userErrors).toEqual([]);
    const photo = await prisma.photo.findFirstOrThrow({ where: { visitId: raw(visit.body.data!.logHomeWatchVisit.visit.id) } });
    const file = path.join(config.uploadDir, photo.key);
    await readFile(file);

    // 29 days after the return it is kept (other tests' requests that ended earlier may go); at 31
    // days, two sweepers at once erase it exactly once.
    await eraseExpiredHomeWatch(new Date(row.awayTo.getTime() + 29 * 86_400_000));
    expect(await prisma.homeWatchRequest.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ erasedAt: null, phone: "13655550002" });
    const later = new Date(row.awayTo.getTime() + 31 * 86_400_000);
    const [a, b] = await Promise.all([eraseExpiredHomeWatch(later), eraseExpiredHomeWatch(later)]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const erased = await prisma.homeWatchRequest.findUniqueOrThrow({ where: { id: row.id } });
    expect(erased).toMatchObject({ name: "", phone: "", address: "", contactWhileAway: "", notes: "" });
    expect(erased.erasedAt).not.toBeNull();
    expect(await prisma.photo.count({ where: { id: photo.id } })).toBe(0);
    await expect(readFile(file)).rejects.toThrow();
    expect((await prisma.homeWatchVisit.findFirstOrThrow({ where: { requestId: row.id } })).note).toBe("");
    expect(await prisma.auditEntry.count({ where: { action: "homeWatch.erase", stationId: demo.changqing.id } })).toBeGreaterThanOrEqual(1);
    // A second run finds nothing; the resident still sees dates and results, and that it was erased.
    expect(await eraseExpiredHomeWatch(later)).toBe(0);
    const status = (await gql(app, STATUS, { code })).data!.homeWatchStatus;
    expect(status).toMatchObject({ status: "APPROVED", erased: true, visits: [{ result: "ALL_FINE" }] });
    // Logging on an erased request is refused.
    expect((await gql(app, LOG, { input: { shiftId: shift.id, result: "ALL_FINE" } }, tok(CHANGQING_VOLUNTEER))).data!.logHomeWatchVisit.userErrors[0].code).toBe("CONFLICT");
  });
});

// ── What an outside attack on the casework flows found (each hole fixed and kept as a test), and
// the tries that found none (kept so they stay that way).
describe("casework: the outside attack", () => {
  const LOG = `mutation ($input: LogHomeWatchVisitInput!) { logHomeWatchVisit(input: $input) { visit { id } userErrors { code message field } } }`;
  const CASE = `query ($id: ID!) { node(id: $id) { ... on MediationCase { id parties { name phone } } } }`;
  const SESSION = `mutation ($input: RecordMediationSessionInput!) { recordMediationSession(input: $input) { session { id } userErrors { code } } }`;
  const CLOSE = `mutation ($input: CloseMediationCaseInput!) { closeMediationCase(input: $input) { case { id status } userErrors { code } } }`;
  const OPEN = `mutation ($input: OpenMediationCaseInput!) { openMediationCase(input: $input) { case { id } userErrors { code message field } } }`;

  it("an anonymous caller's multipart body gets the ordinary 1 MB limit, not the photos' 60 MB", async () => {
    const photo = await noisyPhoto();
    expect(photo.length).toBeGreaterThan(config.maxBodyBytes);
    const before = await prisma.patrolReport.count();
    for (const token of [null, "not.a.token", `${tok(VOLUNTEER).slice(0, -4)}AAAA`]) {
      const res = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, photo, "p.png", "image/png")], token);
      expect(res.status, String(token)).toBe(413);
    }
    // A small anonymous upload is read, and refused as any anonymous mutation is.
    const small = await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, await pngPhoto())], null);
    expect(small.body.data?.submitPatrolReport?.userErrors?.[0]?.code ?? small.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await prisma.patrolReport.count()).toBe(before);
  });

  it("a careless phone: HEIC is named as such; SVG, HTML and empty files named .jpg, a pixel bomb and path tricks in names come to nothing", async () => {
    const one = async (data: Buffer, name: string, type = "image/jpeg") =>
      (await upload(app, SUBMIT, { input: { ...baseInput(), photos: [null] } }, [photoPart(0, data, name, type)], tok(VOLUNTEER))).body.data!.submitPatrolReport;
    const before = await prisma.patrolReport.count();
    // An iPhone's HEIC: ftyp box with the heic brand.
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic"), Buffer.alloc(4), Buffer.from("mif1heic"), Buffer.alloc(2000, 1)]);
    expect((await one(heic, "IMG_0001.HEIC", "image/heic")).userErrors).toEqual([
      { code: "VALIDATION", message: "第1张照片是 HEIC 格式（苹果手机默认），暂不支持：请在“设置 > 相机 > 格式”中选择“兼容性最佳”，或用截屏后上传", field: ["input", "photos", "0"] },
    ]);
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>`);
    const html = Buffer.from(`<!doctype html><html><body><script>fetch("/graphql")</script></body></html>`);
    for (const [data, name] of [[svg, "photo.jpg"], [html, "photo.png"], [Buffer.alloc(0), "empty.jpg"]] as const) {
      expect((await one(data, name)).userErrors, name).toEqual([{ code: "VALIDATION", message: "第1张照片不是有效的图片：只能上传 JPEG、PNG 或 WebP 格式的照片", field: ["input", "photos", "0"] }]);
    }
    // A small PNG that decodes to 56 million pixels is refused before it is decoded.
    const bomb = await sharp({ create: { width: 8000, height: 7000, channels: 3, background: "#000" } }).png({ compressionLevel: 9 }).toBuffer();
    expect((await one(bomb, "bomb.png", "image/png")).userErrors[0]).toMatchObject({ code: "VALIDATION", message: "图片像素过多，请缩小后再上传" });
    expect(await prisma.patrolReport.count()).toBe(before);

    // A JPEG with a page appended (a polyglot) and a name that climbs out of the folder: stored under
    // a key of our own, re-encoded, without the page.
    const polyglot = Buffer.concat([await jpegWithGps(), Buffer.from("<html><script>alert(1)</script></html>")]);
    const stored = await one(polyglot, "../../../../../tmp/linshe-evil.jpg\u202Egpj.html");
    expect(stored.userErrors).toEqual([]);
    const row = await prisma.photo.findFirstOrThrow({ where: { reportId: raw(stored.report!.id) } });
    expect(row.key).toMatch(/^\d{4}\/\d{2}\/[0-9a-f-]{36}\.jpg$/);
    expect((await readFile(path.join(config.uploadDir, row.key))).includes(Buffer.from("<script>"))).toBe(false);
    await expect(readFile("/tmp/linshe-evil.jpg\u202Egpj.html")).rejects.toThrow();
    const served = await fetchMedia(stored.report!.photos[0].url);
    expect(served.headers.get("content-security-policy")).toContain("sandbox");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("one account stores at most PHOTO_UPLOADS_PER_HOUR photos an hour, refused before they are decoded", async () => {
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: OTHER_VOLUNTEER } });
    const recent = await prisma.photo.count({ where: { uploadedById: account.id, createdAt: { gt: new Date(Date.now() - 3600_000) } } });
    const quota = config.photoUploadsPerHour;
    config.photoUploadsPerHour = recent + 2;
    try {
      const before = await prisma.patrolReport.count();
      const files = await Promise.all([pngPhoto("#111"), pngPhoto("#222"), pngPhoto("#333")]);
      const three = await submit(tok(OTHER_VOLUNTEER), files);
      expect(three.userErrors).toEqual([{ code: "RATE_LIMITED", message: `照片上传过多：每小时最多${recent + 2}张，请稍后再试`, field: ["input", "photos"] }]);
      expect(await prisma.patrolReport.count()).toBe(before);
      expect((await submit(tok(OTHER_VOLUNTEER), files.slice(0, 2))).userErrors).toEqual([]);
      expect((await submit(tok(OTHER_VOLUNTEER), files.slice(0, 1))).userErrors[0]?.code).toBe("RATE_LIMITED");
      // A report without photos still goes through.
      expect((await submit(tok(OTHER_VOLUNTEER), [])).userErrors).toEqual([]);
    } finally {
      config.photoUploadsPerHour = quota;
    }
  });

  it("a suspended mediator no longer reads the parties' phones or works the case", async () => {
    const v = await demo.volunteer("13800000191");
    await prisma.volunteer.update({ where: { id: v.id }, data: { specialties: { push: "MEDIATION" } } });
    const m = await prisma.mediator.create({ data: { stationId: demo.fushan.id, volunteerId: v.id, displayName: v.displayName, years: 1 } });
    const opened = await gql(app, OPEN, { input: { stationId: station(), category: "NEIGHBOUR", summary: "噪音扰民", source: "RESIDENT", parties: [{ name: "王五", phone: "13712340000", role: "APPLICANT" }], mediatorIds: [gid("Mediator", m.id)] } }, officer);
    const id = opened.data!.openMediationCase.case.id;
    const token = await signIn(app, "13800000191");
    expect((await gql(app, CASE, { id }, token)).data!.node.parties).toEqual([{ name: "王五", phone: "13712340000" }]);
    await prisma.volunteer.update({ where: { id: v.id }, data: { status: "SUSPENDED" } });
    expect((await gql(app, CASE, { id }, token)).data!.node).toBeNull();
    expect((await gql(app, SESSION, { input: { caseId: id, heldAt: inMinutes(-5), notes: "x" } }, token)).data!.recordMediationSession.userErrors[0].code).toBe("NOT_FOUND");
    expect((await gql(app, CLOSE, { input: { caseId: id, outcome: "FAILED" } }, token)).data!.closeMediationCase.userErrors[0].code).toBe("NOT_FOUND");
    await prisma.volunteer.update({ where: { id: v.id }, data: { status: "ACTIVE" } });
  });

  it("a suspended volunteer with a home-watch claim can no longer log visits (nor alarm the officer)", async () => {
    const { resetHomeWatchLimits } = await import("../api/src/modules/homewatch/homewatch.service.js");
    resetHomeWatchLimits();
    const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    const asked = await gql(app, `mutation ($input: RequestHomeWatchInput!) { requestHomeWatch(input: $input) { confirmationCode userErrors { code } } }`, {
      input: { stationId: gid("Station", demo.changqing.id), name: "吴大伯", phone: "13655557777", address: "吴牙社区7幢101", awayFrom: days(1), awayTo: days(3) },
    });
    expect(asked.data!.requestHomeWatch.userErrors).toEqual([]);
    const row = await prisma.homeWatchRequest.findFirstOrThrow({ where: { phone: "13655557777" } });
    const approved = await gql(app, `mutation ($input: ApproveHomeWatchRequestInput!) { approveHomeWatchRequest(input: $input) { request { shifts { id startsAt } } userErrors { code } } }`, { input: { requestId: gid("HomeWatchRequest", row.id) } }, otherOfficer);
    const shift = approved.data!.approveHomeWatchRequest.request.shifts[0];
    const phone = "13900000007";
    const token = await signIn(app, phone);
    expect((await gql(app, CLAIM, { input: { shiftId: shift.id } }, token)).data!.claimShift.userErrors).toEqual([]);
    clock.advance(new Date(shift.startsAt).getTime() - Date.now() + 60_000);
    const v = await demo.volunteer(phone);
    await prisma.volunteer.update({ where: { id: v.id }, data: { status: "SUSPENDED" } });
    try {
      const problems = await prisma.notification.count({ where: { kind: "HOME_WATCH_PROBLEM" } });
      const res = await gql(app, LOG, { input: { shiftId: shift.id, result: "PROBLEM", note: "门被撬了（假的）" } }, token);
      expect(res.data!.logHomeWatchVisit.userErrors[0].code).toBe("NOT_FOUND");
      expect(await prisma.notification.count({ where: { kind: "HOME_WATCH_PROBLEM" } })).toBe(problems);
      expect(await prisma.homeWatchVisit.count({ where: { requestId: row.id } })).toBe(0);
    } finally {
      await prisma.volunteer.update({ where: { id: v.id }, data: { status: "ACTIVE" } });
    }
    // Active again, the same claim logs the visit.
    expect((await gql(app, LOG, { input: { shiftId: shift.id, result: "ALL_FINE" } }, token)).data!.logHomeWatchVisit.userErrors).toEqual([]);
  });

  it("a withdrawn mediator's profile is not public; another station's officer learns nothing by editing it", async () => {
    const m = await prisma.mediator.create({ data: { stationId: demo.fushan.id, displayName: "已退出的调解员", title: "律师", years: 8, active: false } });
    const id = gid("Mediator", m.id);
    const PROFILE = `query ($id: ID!) { node(id: $id) { ... on Mediator { displayName bio active } } }`;
    expect((await gql(app, PROFILE, { id })).data!.node).toBeNull();
    expect((await gql(app, PROFILE, { id }, otherOfficer)).data!.node).toBeNull();
    expect((await gql(app, PROFILE, { id }, officer)).data!.node).toMatchObject({ displayName: "已退出的调解员", active: false });
    // The public list leaves it out, also when asked to include inactive ones.
    const list = await gql(app, `query ($s: ID!) { mediators(stationId: $s, first: 100, includeInactive: true) { edges { node { displayName } } } }`, { s: station() });
    expect(JSON.stringify(list.data)).not.toContain("已退出的调解员");
    const UPDATE = `mutation ($input: UpdateMediatorInput!) { updateMediator(input: $input) { userErrors { code } } }`;
    expect((await gql(app, UPDATE, { input: { mediatorId: id, bio: "x" } }, otherOfficer)).data!.updateMediator.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    expect((await gql(app, UPDATE, { input: { mediatorId: gid("Mediator", "00000000-0000-4000-8000-000000000000"), bio: "x" } }, otherOfficer)).data!.updateMediator.userErrors).toEqual([{ code: "NOT_FOUND" }]);
  });

  it("double submits: two resolutions and two closings at once end with one winner and a CONFLICT", async () => {
    const { report } = await submit(tok(VOLUNTEER));
    await gql(app, ASSIGN, { input: { reportId: report!.id, teamId: teamGid(demo.haolinshe.id) } }, officer);
    const twice = await Promise.all([0, 1].map((i) => gql(app, RESOLVE, { input: { reportId: report!.id, note: `办结${i}` } }, officer)));
    expect(twice.map((r) => r.data!.resolvePatrolReport.userErrors[0]?.code ?? "OK").sort()).toEqual(["CONFLICT", "OK"]);
    expect(await prisma.patrolReportEvent.count({ where: { reportId: raw(report!.id), kind: "RESOLVED" } })).toBe(1);

    const judge = await prisma.mediator.create({ data: { stationId: demo.fushan.id, displayName: "双击调解员", years: 2 } });
    const opened = await gql(app, OPEN, { input: { stationId: station(), category: "OTHER", summary: "双击", source: "OTHER", parties: [{ name: "赵六", phone: "13712349999", role: "APPLICANT" }], mediatorIds: [gid("Mediator", judge.id)] } }, officer);
    const caseId = opened.data!.openMediationCase.case.id;
    const closes = await Promise.all(["FAILED", "FAILED"].map((outcome) => gql(app, CLOSE, { input: { caseId, outcome } }, officer)));
    expect(closes.map((r) => r.data!.closeMediationCase.userErrors[0]?.code ?? "OK").sort()).toEqual(["CONFLICT", "OK"]);
    expect(await prisma.auditEntry.count({ where: { action: "mediation.close", targetId: raw(caseId) } })).toBe(1);
  });
});
