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
