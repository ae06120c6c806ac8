// Province-scale data: --scale 1 ≈ one city like 诸暨 (one region of 18 stations with its admin, 479
// teams, 15,000 volunteers, a year of shifts and claims with check-ins and no-shows, commendations,
// points issued and redeemed, partners, and half a year of 巡逻发现, 调解 cases and 一键召集 with
// responders, so that the statistics have something to add up). Streamed a chunk of teams at a time
// into unnest() multi-row inserts, repeatable from the seed.
import pg from "pg";

export interface Generated {
  stationId: string;
  teamId: string;
  /** volunteers of that team, with account ids, for the claim storm */
  teamVolunteers: { volunteerId: string; accountId: string }[];
  viewerAccountId: string;
  /** station 1's region and that region's admin (region statistics) */
  regionId: string;
  regionAdminAccountId: string;
  /** an officer of station 1 */
  officerAccountId: string;
  counts: Record<string, number>;
}

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeIds(seed: number) {
  const r = prng(seed);
  return () => {
    const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16));
    h[12] = "4";
    h[16] = "89ab"[Math.floor(r() * 4)]!;
    const s = h.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
}

const SPECIALTIES = ["MEDICAL_GUARD", "HIGH_RISE", "CAMPUS_SECURITY", "COMMUNITY_GRID", "ANTI_FRAUD", "MEDIATION", "NIGHT_PATROL", "TRAFFIC"];
type Cols = [string, string][];
const FINDINGS = ["FIRE_HAZARD", "PUBLIC_SECURITY", "TRAFFIC_HAZARD", "ENVIRONMENT", "SUSPICIOUS", "DISPUTE", "OTHER"];
const FINDING_STATUS = ["NEW", "ASSIGNED", "RESOLVED", "RESOLVED", "RESOLVED", "RESOLVED", "REFERRED", "REJECTED"];
const FIELDS = ["NEIGHBOUR", "FAMILY", "LABOUR", "PROPERTY", "CONSUMER", "TRAFFIC", "OTHER"];
const OUTCOMES = ["SETTLED", "SETTLED", "SETTLED", "FAILED", "JUDICIAL_CONFIRMATION", "REFERRED"];
const C = {
  Region: [["id", "uuid"], ["name", "text"], ["city", "text"]],
  Station: [["id", "uuid"], ["regionId", "uuid"], ["name", "text"], ["city", "text"], ["district", "text"]],
  Partner: [["id", "uuid"], ["stationId", "uuid"], ["name", "text"], ["kind", '"PartnerKind"']],
  Community: [["id", "uuid"], ["stationId", "uuid"], ["name", "text"]],
  Grid: [["id", "uuid"], ["stationId", "uuid"], ["communityId", "uuid"], ["name", "text"], ["latitude", "float8"], ["longitude", "float8"]],
  Team: [["id", "uuid"], ["stationId", "uuid"], ["name", "text"], ["updatedAt", "timestamp"]],
  Squad: [["id", "uuid"], ["teamId", "uuid"], ["name", "text"], ["specialty", '"Specialty"'], ["updatedAt", "timestamp"]],
  Volunteer: [["id", "uuid"], ["name", "text"], ["displayName", "text"], ["phone", "text"], ["partnerId", "uuid"], ["updatedAt", "timestamp"]],
  TeamMembership: [["id", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"], ["joinedAt", "timestamp"]],
  SquadMembership: [["id", "uuid"], ["squadId", "uuid"], ["volunteerId", "uuid"]],
  Account: [["id", "uuid"], ["phone", "text"], ["passwordHash", "text"], ["volunteerId", "uuid"]],
  AccountRole: [["id", "uuid"], ["accountId", "uuid"], ["role", '"GrantedRole"'], ["regionId", "uuid"], ["stationId", "uuid"]],
  Shift: [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["gridId", "uuid"], ["kind", '"ShiftKind"'], ["title", "text"], ["startsAt", "timestamp"], ["endsAt", "timestamp"], ["capacity", "int4"], ["status", '"ShiftStatus"'], ["postCode", "text"], ["confirmedCount", "int4"], ["createdById", "uuid"], ["updatedAt", "timestamp"], ["tallySeats", "int4"], ["tallyCheckedIn", "int4"], ["tallyNoShows", "int4"], ["tallyMinutes", "int4"]],
  ShiftClaim: [["id", "uuid"], ["shiftId", "uuid"], ["volunteerId", "uuid"], ["status", '"ClaimStatus"'], ["claimedAt", "timestamp"], ["checkedInAt", "timestamp"], ["checkInMethod", '"CheckInMethod"'], ["checkInLat", "float8"], ["checkInLng", "float8"], ["checkedOutAt", "timestamp"], ["minutesServed", "int4"], ["updatedAt", "timestamp"]],
  GoodDeed: [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"], ["category", '"GoodDeedCategory"'], ["title", "text"], ["story", "text"], ["occurredAt", "timestamp"], ["status", '"GoodDeedStatus"'], ["submittedById", "uuid"]],
  Commendation: [["id", "uuid"], ["goodDeedId", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"], ["approvedAt", "timestamp"]],
  BoardEdition: [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["title", "text"], ["publishedById", "uuid"], ["publishedAt", "timestamp"]],
  BoardEntry: [["id", "uuid"], ["editionId", "uuid"], ["commendationId", "uuid"], ["position", "int4"]],
  PointsEntry: [["id", "uuid"], ["volunteerId", "uuid"], ["stationId", "uuid"], ["amount", "int4"], ["reason", '"PointsReason"'], ["source", "text"], ["createdAt", "timestamp"]],
  PatrolReport: [["id", "uuid"], ["stationId", "uuid"], ["gridId", "uuid"], ["reporterAccountId", "uuid"], ["reporterVolunteerId", "uuid"], ["category", '"PatrolReportCategory"'], ["description", "text"], ["status", '"PatrolReportStatus"'], ["closedAt", "timestamp"], ["resolutionNote", "text"], ["referredTo", "text"], ["rejectReason", "text"], ["createdAt", "timestamp"], ["updatedAt", "timestamp"]],
  MediationCase: [["id", "uuid"], ["stationId", "uuid"], ["category", '"MediationField"'], ["summary", "text"], ["source", '"MediationSource"'], ["status", '"MediationStatus"'], ["outcome", '"MediationOutcome"'], ["agreementText", "text"], ["referredTo", "text"], ["openedById", "uuid"], ["openedAt", "timestamp"], ["closedAt", "timestamp"]],
  Mobilization: [["id", "uuid"], ["stationId", "uuid"], ["reason", "text"], ["place", "text"], ["latitude", "float8"], ["longitude", "float8"], ["radiusMeters", "int4"], ["wanted", "int4"], ["escalateAfterMinutes", "int4"], ["status", '"MobilizationStatus"'], ["outcome", '"MobilizationOutcome"'], ["startedById", "uuid"], ["startedAt", "timestamp"], ["closedAt", "timestamp"]],
  MobilizationResponder: [["id", "uuid"], ["mobilizationId", "uuid"], ["volunteerId", "uuid"], ["wave", "int4"], ["response", '"MobilizationResponse"'], ["respondedAt", "timestamp"], ["notifiedAt", "timestamp"]],
} satisfies Record<string, Cols>; // dependency order, parents first

// Rows go out in dependency order, a chunk of teams at a time, on one connection: PostgreSQL runs the
// statements in order (foreign keys hold) while the next chunk is generated, and memory stays bounded
// by the chunk, not the scale.
class Loader {
  private buffers = new Map<string, { cols: Cols; rows: unknown[][] }>();
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  readonly counts: Record<string, number> = {};
  /** `tables` in dependency order, parents first. */
  constructor(private client: pg.Client, tables: Record<string, Cols>) {
    for (const [t, cols] of Object.entries(tables)) this.buffers.set(t, { cols, rows: [] });
  }
  add(table: keyof typeof C, row: unknown[]) {
    this.buffers.get(table)!.rows.push(row);
    this.counts[table] = (this.counts[table] ?? 0) + 1;
  }
  /** Sends every buffered row, parents first. */
  async flush() {
    for (const [table, b] of this.buffers) {
      for (let i = 0; i < b.rows.length; i += 5000) {
        const chunk = b.rows.slice(i, i + 5000);
        const sql = `INSERT INTO "${table}" (${b.cols.map(([n]) => `"${n}"`).join(", ")})
          SELECT * FROM unnest(${b.cols.map(([, t], j) => `$${j + 1}::${t}[]`).join(", ")})`;
        const values = b.cols.map((_, c) => chunk.map((row) => row[c]));
        this.queued++;
        this.tail = this.tail.then(() => this.client.query(sql, values)).finally(() => this.queued--);
      }
      b.rows = [];
    }
    // Keep a few statements queued so generation and loading overlap, no more.
    while (this.queued > 6) await Promise.race([this.tail, new Promise((r) => setTimeout(r, 5))]);
  }
  async done() {
    await this.flush();
    await this.tail;
  }
}

export async function generate(url: string, scale: number, seed = 2026): Promise<Generated> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("SET synchronous_commit = off");
  // Claims go in by the million: each shift's tally (Shift.tally*) is counted here, not by the trigger,
  // and the statistics' rollups (active days, first joins) are counted in one pass at the end.
  await client.query(`ALTER TABLE "ShiftClaim" DISABLE TRIGGER "ShiftClaim_tally"`);
  await client.query(`ALTER TABLE "ShiftClaim" DISABLE TRIGGER "ShiftClaim_active"`);
  await client.query(`ALTER TABLE "TeamMembership" DISABLE TRIGGER "TeamMembership_first_join"`);
  await client.query(`ALTER TABLE "Shift" DISABLE TRIGGER "Shift_station_day"`);
  const load = new Loader(client, C);
  const id = makeIds(seed * 1000 + scale);
  const rand = prng(seed + scale);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const now = Date.now();
  const HOUR = 3600_000;
  const nStations = 18 * scale;
  const nTeams = 479 * scale;
  const nVolunteers = 15_000 * scale;

  const DAY = 24 * HOUR;
  // Regions of 18 stations (a county bureau like 诸暨's), each with a region admin.
  const regions: string[] = [];
  const regionAdmins: string[] = [];
  for (let r = 0; r < Math.ceil(nStations / 18); r++) {
    const rid = id();
    regions.push(rid);
    load.add("Region", [rid, `区域${r + 1}`, "诸暨市"]);
    const admin = id();
    regionAdmins.push(admin);
    load.add("Account", [admin, String(19800000000 + r), "bench-no-password", null]);
  }
  const stations: string[] = [];
  const gridsByStation: { id: string; lat: number; lng: number }[][] = [];
  const partnersByStation: string[][] = [];
  for (let s = 0; s < nStations; s++) {
    const sid = id();
    stations.push(sid);
    load.add("Station", [sid, regions[Math.floor(s / 18)], `派出所${s + 1}`, "诸暨市", `街道${s % 18}`]);
    const grids: { id: string; lat: number; lng: number }[] = [];
    for (let c = 0; c < 3; c++) {
      const cid = id();
      load.add("Community", [cid, sid, `社区${c + 1}`]);
      for (let g = 0; g < 3; g++) {
        const gid = id();
        const lat = 29.7 + rand() * 0.1;
        const lng = 120.2 + rand() * 0.1;
        grids.push({ id: gid, lat, lng });
        load.add("Grid", [gid, sid, cid, `网格${c + 1}-${g + 1}`, lat, lng]);
      }
    }
    gridsByStation.push(grids);
    // Two 共建单位 per station; a tenth of its volunteers belong to one.
    partnersByStation.push(
      ["物业", "医院"].map((k, q) => {
        const pid = id();
        load.add("Partner", [pid, sid, `${k}${s + 1}`, q ? "HOSPITAL" : "PROPERTY_MANAGEMENT"]);
        return pid;
      }),
    );
  }
  const officerAccount = id();
  load.add("Account", [officerAccount, "19900000000", "bench-no-password", null]);
  await load.flush();
  load.add("AccountRole", [id(), officerAccount, "OFFICER", null, stations[0]]);
  regionAdmins.forEach((a, r) => load.add("AccountRole", [id(), a, "REGION_ADMIN", regions[r], null]));

  // Team i belongs to station i % nStations. Team 0 is the large one of station 0 (the claim storm
  // needs 1,000 members); the other volunteers are spread evenly over the other teams.
  const rest = nVolunteers - 1200;
  let v = 0;
  for (let i = 0; i < nTeams; i++) {
    const tid = id();
    const st = i % nStations;
    const sid = stations[st]!;
    const grids = gridsByStation[st]!;
    load.add("Team", [tid, sid, `义警队${i + 1}`, new Date(now)]);
    const squads = [0, 1].map((q) => {
      const sq = id();
      load.add("Squad", [sq, tid, `小队${q + 1}`, pick(SPECIALTIES), new Date(now)]);
      return sq;
    });
    const size = i === 0 ? 1200 : Math.floor((rest * i) / (nTeams - 1)) - Math.floor((rest * (i - 1)) / (nTeams - 1));
    const people: string[] = [];
    for (let k = 0; k < size; k++, v++) {
      const vid = id();
      people.push(vid);
      load.add("Volunteer", [vid, `义警${v}`, `义警${v}`, String(15000000000 + v), v % 10 === 3 ? partnersByStation[st]![v % 2] : null, new Date(now)]);
      // joined over the last three years
      load.add("TeamMembership", [id(), tid, vid, new Date(now - Math.floor(rand() * 3 * 365) * DAY)]);
      if (v % 5 < 3) load.add("SquadMembership", [id(), squads[0], vid]);
      load.add("Account", [id(), String(15000000000 + v), "bench-no-password", vid]);
    }
    // A year of weekly shifts: 26 weeks back, 26 ahead. Past claims: 92% checked in and out
    // (COMPLETED, points credited), the rest no-shows; running shifts: most checked in.
    for (let w = -26; w < 26; w++) {
      const starts = new Date(now + w * 7 * DAY + Math.floor(rand() * 7 * 24) * HOUR);
      const ends = new Date(starts.getTime() + 2 * HOUR);
      const capacity = 4 + Math.floor(rand() * 7);
      const past = ends.getTime() < now;
      const running = !past && starts.getTime() <= now;
      const cancelled = !past && !running && rand() < 0.03;
      const shiftId = id();
      const taken = cancelled ? 0 : Math.min(people.length, Math.floor(capacity * (0.5 + rand() * 0.5)));
      const grid = pick(grids);
      const start = Math.floor(rand() * Math.max(1, people.length - taken));
      // the shift's tally (seats, checked in, no-shows, minutes), counted here instead of by the trigger
      let checkedInCount = 0;
      let noShows = 0;
      let minutes = 0;
      const claims: unknown[][] = [];
      for (let k = 0; k < taken; k++) {
        const cid = id();
        const x = rand();
        const status = past ? (x < 0.08 ? "NO_SHOW" : "COMPLETED") : "CONFIRMED";
        const checkedIn = status === "COMPLETED" || (running && x < 0.85) ? new Date(starts.getTime() + Math.floor(x * 10) * 60_000) : null;
        const at = checkedIn ? [grid.lat + (x - 0.5) * 0.002, grid.lng + (x - 0.5) * 0.002] : [null, null];
        claims.push([cid, shiftId, people[start + k], status, starts, checkedIn, checkedIn ? "QR" : null, at[0], at[1], status === "COMPLETED" ? ends : null, status === "COMPLETED" ? 120 : null, new Date(now)]);
        if (checkedIn) checkedInCount++;
        if (status === "NO_SHOW") noShows++;
        if (status === "COMPLETED") {
          minutes += 120;
          load.add("PointsEntry", [id(), people[start + k], sid, 20, "PATROL_HOURS", `claim:${cid}`, ends]);
        }
      }
      load.add("Shift", [shiftId, sid, tid, grid.id, pick(["PATROL", "NIGHT_PATROL", "PUBLICITY"]), "巡逻", starts, ends, capacity, cancelled ? "CANCELLED" : past ? "DONE" : "OPEN", String(100000 + Math.floor(rand() * 899999)), taken, officerAccount, new Date(now), taken, checkedInCount, noShows, minutes]);
      for (const c of claims) load.add("ShiftClaim", c);
    }
    // Rewards redeemed now and then: 10 a year per team.
    for (let k = 0; k < 10 && people.length; k++) {
      load.add("PointsEntry", [id(), pick(people), sid, -(20 + Math.floor(rand() * 5) * 20), "REDEMPTION", `bench-redemption:${i}:${k}`, new Date(now - Math.floor(rand() * 365 * 24) * HOUR)]);
    }
    // Commendations: a monthly board edition per station with 10 entries; month m's comes from the
    // station's m-th team.
    const m = Math.floor(i / nStations);
    if (m < 12 && people.length) {
      const editionId = id();
      const at = new Date(now - m * 30 * DAY);
      load.add("BoardEdition", [editionId, sid, tid, `${m + 1}月表扬榜`, officerAccount, at]);
      for (let e = 0; e < 10; e++) {
        const vid = people[Math.floor(rand() * people.length)]!;
        const deedId = id();
        const cid = id();
        load.add("GoodDeed", [deedId, sid, tid, vid, pick(["HEROIC_ACT", "LOST_PROPERTY_RETURNED", "HELPING_ELDERLY", "FRAUD_PREVENTED"]), "好人好事", "事迹详情……", at, "APPROVED", officerAccount]);
        load.add("Commendation", [cid, deedId, sid, tid, vid, at]);
        load.add("BoardEntry", [id(), editionId, cid, e]);
        load.add("PointsEntry", [id(), vid, sid, 50, "COMMENDATION", `deed:${deedId}`, at]);
      }
    }
    // Half a year back: 4 巡逻发现 per team (≈ 200 a year per station, as 长庆 reports), most resolved
    // within days; one 调解 case per team; a call-up every fourth team (≈ 13 a year per station).
    for (let k = 0; k < 4 && people.length; k++) {
      const at = new Date(now - Math.floor(rand() * 182 * 24 * 60) * 60_000);
      const status = pick(FINDING_STATUS);
      const closed = status === "NEW" || status === "ASSIGNED" ? null : new Date(Math.min(now, at.getTime() + Math.floor(rand() * 96 * 60) * 60_000));
      load.add("PatrolReport", [id(), sid, pick(grids).id, officerAccount, pick(people), pick(FINDINGS), "巡逻发现", status, closed, status === "RESOLVED" ? "已处置" : null, status === "REFERRED" ? "消防" : null, status === "REJECTED" ? "重复" : null, at, closed ?? at]);
    }
    {
      const at = new Date(now - Math.floor(rand() * 182 * 24 * 60) * 60_000);
      const outcome = rand() < 0.8 ? pick(OUTCOMES) : null;
      const closed = outcome ? new Date(Math.min(now, at.getTime() + Math.floor(rand() * 30 * 24) * HOUR)) : null;
      load.add("MediationCase", [id(), sid, pick(FIELDS), "邻里纠纷", pick(["RESIDENT", "PATROL", "POLICE", "COMMUNITY"]), outcome ? "CLOSED" : "OPEN", outcome, outcome === "SETTLED" || outcome === "JUDICIAL_CONFIRMATION" ? "调解协议" : null, outcome === "REFERRED" ? "法院" : null, officerAccount, at, closed]);
    }
    if (i % 4 === 0 && people.length >= 12) {
      const mid = id();
      const at = new Date(now - DAY - Math.floor(rand() * 180 * 24 * 60) * 60_000);
      const g = pick(grids);
      load.add("Mobilization", [mid, sid, "走失老人", "网格", g.lat, g.lng, 2000, 2 + Math.floor(rand() * 4), 10, "CLOSED", "RESOLVED", officerAccount, at, new Date(at.getTime() + 2 * HOUR)]);
      const first = Math.floor(rand() * (people.length - 12));
      for (let k = 0; k < 12; k++) {
        const x = rand();
        const response = x < 0.5 ? "ACCEPTED" : x < 0.8 ? "DECLINED" : "PENDING";
        load.add("MobilizationResponder", [id(), mid, people[first + k], 1, response, response === "PENDING" ? null : new Date(at.getTime() + Math.floor(rand() * 40 * 60) * 1000), at]);
      }
    }
    if (i % 100 === 99) {
      await load.flush();
      if (i % 5000 === 4999) process.stdout.write(`  ${i + 1}/${nTeams} teams\n`);
    }
  }
  await load.done();
  // the same counts as the migration's backfill (active_volunteer_rollup)
  await client.query(`DELETE FROM "VolunteerActiveDay"`);
  await client.query(
    `INSERT INTO "VolunteerActiveDay" ("stationId", day, "volunteerId", "checkIns")
     SELECT s."stationId", (s."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date, c."volunteerId", count(*)
     FROM "ShiftClaim" c JOIN "Shift" s ON s.id = c."shiftId" WHERE c."checkedInAt" IS NOT NULL GROUP BY 1, 2, 3`,
  );
  await client.query(`DELETE FROM "VolunteerFirstJoin"`);
  await client.query(
    `INSERT INTO "VolunteerFirstJoin" ("stationId", "volunteerId", "joinedAt")
     SELECT t."stationId", m."volunteerId", min(m."joinedAt") FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId" GROUP BY 1, 2`,
  );
  // the same counts as the migration's backfill (station_shift_day)
  await client.query(`DELETE FROM "StationShiftDay"`);
  await client.query(
    `INSERT INTO "StationShiftDay" ("stationId", day, published, filled, cancelled, "noShows", minutes)
     SELECT "stationId", ("startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date,
            count(*) FILTER (WHERE status <> 'CANCELLED'), count(*) FILTER (WHERE status <> 'CANCELLED' AND "tallySeats" >= capacity),
            count(*) FILTER (WHERE status = 'CANCELLED'), sum("tallyNoShows"), sum("tallyMinutes")
     FROM "Shift" GROUP BY 1, 2`,
  );
  await client.query(`ALTER TABLE "Shift" ENABLE TRIGGER "Shift_station_day"`);
  await client.query(`ALTER TABLE "ShiftClaim" ENABLE TRIGGER "ShiftClaim_tally"`);
  await client.query(`ALTER TABLE "ShiftClaim" ENABLE TRIGGER "ShiftClaim_active"`);
  await client.query(`ALTER TABLE "TeamMembership" ENABLE TRIGGER "TeamMembership_first_join"`);
  await client.query("ANALYZE");
  await client.end();
  const c = load.counts;
  return { ...(await fixtures(url)), counts: {
      regions: c.Region!, stations: nStations, teams: nTeams, volunteers: nVolunteers, shifts: c.Shift!, claims: c.ShiftClaim!, commendations: c.Commendation!, points: c.PointsEntry!,
      findings: c.PatrolReport!, mediationCases: c.MediationCase!, callUps: c.Mobilization!, responders: c.MobilizationResponder!,
    },
  };
}

/**
 * What the scenarios need from generated data: station 1, its large team 1 and that team's people,
 * an officer of station 1, its region and that region's admin.
 */
export async function fixtures(url: string): Promise<Omit<Generated, "counts">> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows: [station] } = await client.query<{ id: string }>(`SELECT id FROM "Station" WHERE name = '派出所1'`);
  const { rows: [team] } = await client.query<{ id: string }>(`SELECT id FROM "Team" WHERE name = '义警队1'`);
  const { rows: people } = await client.query<{ volunteerId: string; accountId: string }>(
    `SELECT m."volunteerId", a.id AS "accountId" FROM "TeamMembership" m JOIN "Account" a ON a."volunteerId" = m."volunteerId" WHERE m."teamId" = $1 ORDER BY a.phone`,
    [team!.id],
  );
  const { rows: [officer] } = await client.query<{ id: string }>(`SELECT "accountId" AS id FROM "AccountRole" WHERE role = 'OFFICER' AND "stationId" = $1 ORDER BY "accountId" LIMIT 1`, [station!.id]);
  const { rows: [region] } = await client.query<{ regionId: string | null; adminId: string | null }>(
    `SELECT s."regionId", (SELECT "accountId" FROM "AccountRole" r WHERE r.role = 'REGION_ADMIN' AND r."regionId" = s."regionId" ORDER BY "accountId" LIMIT 1) AS "adminId" FROM "Station" s WHERE s.id = $1`,
    [station!.id],
  );
  await client.end();
  return {
    stationId: station!.id, teamId: team!.id, teamVolunteers: people, viewerAccountId: people[0]!.accountId,
    officerAccountId: officer!.id, regionId: region?.regionId ?? "", regionAdminAccountId: region?.adminId ?? "",
  };
}
