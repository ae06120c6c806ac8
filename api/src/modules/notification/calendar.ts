// 日历订阅: a volunteer's shifts as an iCal feed (RFC 5545) at a secret URL, for the phone's calendar.
// The URL carries the account and a feed version signed with AUTH_SECRET; nothing secret is stored,
// and resetCalendarFeed bumps the version so every older URL stops working. Generated with
// ical-generator (VTIMEZONE from @touch4it/ical-timezones): times are in Asia/Shanghai.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getVtimezoneComponent } from "@touch4it/ical-timezones";
import ical, { ICalEventStatus } from "ical-generator";
import { DateTime } from "luxon";
import { readableShiftStations } from "../../auth/policy.js";
import { loadViewer, type Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { config } from "../../config.js";
import { prisma } from "../../db.js";
import { log, safeError } from "../../log.js";

const PREFIX = "/calendar/";
const TZ = "Asia/Shanghai";

function mac(accountId: string, version: number): string {
  return createHmac("sha256", config.authSecret).update(`calendar-feed:${accountId}:${version}`).digest("base64url").slice(0, 27);
}

export function calendarToken(accountId: string, version: number): string {
  return `${accountId.replace(/-/g, "")}.${version}.${mac(accountId, version)}`;
}

export function calendarFeedUrl(accountId: string, version: number): string {
  return `${config.publicUrl ?? ""}${PREFIX}${calendarToken(accountId, version)}.ics`;
}

/** The account a token names, when its signature and version are right; null otherwise. */
async function accountOf(token: string): Promise<Viewer | null> {
  const m = /^([0-9a-f]{32})\.(\d{1,9})\.([A-Za-z0-9_-]{27})$/.exec(token);
  if (!m) return null;
  const hex = m[1]!;
  const accountId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const version = Number(m[2]);
  const expected = Buffer.from(mac(accountId, version));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const a = await prisma.account.findUnique({ where: { id: accountId }, select: { id: true, volunteerId: true, calendarFeedVersion: true, disabled: true } });
  if (!a || a.disabled || !a.volunteerId || a.calendarFeedVersion !== version) return null;
  // The feed reads as its owner would in the app, without a session: the rights they have now.
  return loadViewer(a.id, null);
}

export async function resetCalendarFeed(accountId: string): Promise<string> {
  const a = await prisma.account.update({ where: { id: accountId }, data: { calendarFeedVersion: { increment: 1 } }, select: { calendarFeedVersion: true } });
  return calendarFeedUrl(accountId, a.calendarFeedVersion);
}

/**
 * The feed's text: claimed and waitlisted shifts from 60 days back, cancellations kept as CANCELLED; only
 * of stations whose shifts the owner may still read (a station they left edits its briefings unseen).
 */
export async function calendarFeed(viewer: Viewer): Promise<string> {
  const since = new Date(clock.now().getTime() - 60 * 86_400_000);
  const claims = await prisma.shiftClaim.findMany({
    where: { volunteerId: viewer.volunteerId ?? "00000000-0000-0000-0000-000000000000", shift: { endsAt: { gte: since }, stationId: readableShiftStations(viewer) } },
    include: { shift: { include: { grid: { include: { community: true } }, team: { select: { name: true } } } } },
    orderBy: { shift: { startsAt: "asc" } },
    take: 500,
  });
  const cal = ical({ name: "邻舍 · 我的班次", prodId: { company: "linshe", product: "shifts", language: "ZH" }, ttl: 3600 });
  cal.timezone({ name: TZ, generator: getVtimezoneComponent });
  for (const c of claims) {
    const s = c.shift;
    const cancelled = c.status === "CANCELLED" || s.status === "CANCELLED";
    const waitlisted = c.status === "WAITLISTED";
    const where = [s.grid ? `${s.grid.community.name} ${s.grid.name}` : "", s.place].filter(Boolean).join(" · ");
    cal.createEvent({
      id: `claim-${c.id}@linshe`,
      // A zoned luxon time: ical-generator writes a plain Date in UTC even under a TZID.
      start: DateTime.fromJSDate(s.startsAt, { zone: TZ }),
      end: DateTime.fromJSDate(s.endsAt, { zone: TZ }),
      timezone: TZ,
      stamp: c.cancelledAt ?? c.confirmedAt ?? c.claimedAt,
      summary: `${cancelled ? "【已取消】" : waitlisted ? "【候补】" : ""}${s.title}`,
      description: [s.team.name, s.route, s.notes, cancelled && s.cancelReason ? `取消原因：${s.cancelReason}` : ""].filter(Boolean).join("\n"),
      location: where || null,
      status: cancelled ? ICalEventStatus.CANCELLED : waitlisted ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
      // A later state of the same event: calendars replace the earlier one.
      sequence: cancelled ? 2 : waitlisted ? 0 : 1,
    });
  }
  return cal.toString();
}

/** GET /calendar/<token>.ics (app.ts). A wrong or reset token is a plain 404, the same for every guess. */
export function handleCalendar(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (!pathname.startsWith(PREFIX)) return false;
  const notFound = () => void res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end("Not Found");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return true;
  }
  const m = /^\/calendar\/([^/]{1,100})\.ics$/.exec(pathname);
  if (!m) {
    notFound();
    return true;
  }
  void (async () => {
    const viewer = await accountOf(m[1]!);
    if (!viewer?.volunteerId) return notFound();
    const body = await calendarFeed(viewer);
    res.writeHead(200, {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": 'inline; filename="linshe.ics"',
      "cache-control": "private, max-age=300",
      // The URL is the secret: keep it out of referrers and indexes.
      "referrer-policy": "no-referrer",
      "x-robots-tag": "noindex",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  })().catch((e) => {
    log.error({ err: safeError(e) }, "calendar feed failed");
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("Error");
    else res.destroy();
  });
  return true;
}
