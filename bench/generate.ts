// Province-scale data: --scale 1 ≈ one city like 诸暨 (18 stations, 479 teams, 15,000 volunteers, a
// year of shifts and claims, commendations, points). Streamed a chunk of teams at a time into
// unnest() multi-row inserts, repeatable from the seed.
import pg from "pg";

export interface Generated {
  stationId: string;
  teamId: string;
  /** volunteers of that team, with account ids, for the claim storm */
  teamVolunteers: { volunteerId: string; accountId: string }[];
  viewerAccountId: string;
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
const C = {
  Station: [["id", "uuid"], ["name", "text"], ["city", "text"], ["district", "text"]],
  Community: [["id", "uuid"], ["stationId", "uuid"], ["name", "text"]],
  Grid: [["id", "uuid"], ["stationId", "uuid"], ["communityId", "uuid"], ["name", "text"], ["latitude", "float8"], ["longitude", "float8"]],
  Team: [["id", "uuid"], ["stationId", "uuid"], ["name", "text"], ["updatedAt", "timestamp"]],
  Squad: [["id", "uuid"], ["teamId", "uuid"], ["name", "text"], ["specialty", '"Specialty"'], ["updatedAt", "timestamp"]],
  Volunteer: [["id", "uuid"], ["name", "text"], ["displayName", "text"], ["phone", "text"], ["updatedAt", "timestamp"]],
  TeamMembership: [["id", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"]],
  SquadMembership: [["id", "uuid"], ["squadId", "uuid"], ["volunteerId", "uuid"]],
  Account: [["id", "uuid"], ["phone", "text"], ["passwordHash", "text"], ["volunteerId", "uuid"]],
  AccountRole: [["id", "uuid"], ["accountId", "uuid"], ["role", '"GrantedRole"'], ["stationId", "uuid"]],
  Shift: [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["gridId", "uuid"], ["kind", '"ShiftKind"'], ["title", "text"], ["startsAt", "timestamp"], ["endsAt", "timestamp"], ["capacity", "int4"], ["status", '"ShiftStatus"'], ["postCode", "text"], ["confirmedCount", "int4"], ["createdById", "uuid"], ["updatedAt", "timestamp"]],
  ShiftClaim: [["id", "uuid"], ["shiftId", "uuid"], ["volunteerId", "uuid"], ["status", '"ClaimStatus"'], ["claimedAt", "timestamp"], ["minutesServed", "int4"], ["updatedAt", "timestamp"]],
  GoodDeed: [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"], ["category", '"GoodDeedCategory"'], ["title", "text"], ["story", "text"], ["occurredAt", "timestamp"], ["status", '"GoodDeedStatus"'], ["submittedById", "uuid"]],
  Commendation: [["id", "uuid"], ["goodDeedId", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"]],
  BoardEdition: [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["title", "text"], ["publishedById", "uuid"], ["publishedAt", "timestamp"]],
  BoardEntry: [["id", "uuid"], ["editionId", "uuid"], ["commendationId", "uuid"], ["position", "int4"]],
  PointsEntry: [["id", "uuid"], ["volunteerId", "uuid"], ["stationId", "uuid"], ["amount", "int4"], ["reason", '"PointsReason"'], ["source", "text"]],
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
  const load = new Loader(client, C);
  const id = makeIds(seed * 1000 + scale);
  const rand = prng(seed + scale);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const now = Date.now();
  const HOUR = 3600_000;
  const nStations = 18 * scale;
  const nTeams = 479 * scale;
  const nVolunteers = 15_000 * scale;

  const stations: string[] = [];
  const gridsByStation: string[][] = [];
  for (let s = 0; s < nStations; s++) {
    const sid = id();
    stations.push(sid);
    load.add("Station", [sid, `派出所${s + 1}`, "诸暨市", `街道${s % 18}`]);
    const grids: string[] = [];
    for (let c = 0; c < 3; c++) {
      const cid = id();
      load.add("Community", [cid, sid, `社区${c + 1}`]);
      for (let g = 0; g < 3; g++) {
        const gid = id();
        grids.push(gid);
        load.add("Grid", [gid, sid, cid, `网格${c + 1}-${g + 1}`, 29.7 + rand() * 0.1, 120.2 + rand() * 0.1]);
      }
    }
    gridsByStation.push(grids);
  }
  const officerAccount = id();
  load.add("Account", [officerAccount, "19900000000", "bench-no-password", null]);
  await load.flush();
  load.add("AccountRole", [id(), officerAccount, "OFFICER", stations[0]]);

  // Team i belongs to station i % nStations. Team 0 is the large one of station 0 (the claim storm
  // needs 1,000 members); the other volunteers are spread evenly over the other teams.
  const rest = nVolunteers - 1200;
  let v = 0;
  for (let i = 0; i < nTeams; i++) {
    const tid = id();
    const sid = stations[i % nStations]!;
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
      load.add("Volunteer", [vid, `义警${v}`, `义警${v}`, String(15000000000 + v), new Date(now)]);
      load.add("TeamMembership", [id(), tid, vid]);
      if (v % 5 < 3) load.add("SquadMembership", [id(), squads[0], vid]);
      load.add("Account", [id(), String(15000000000 + v), "bench-no-password", vid]);
    }
    // A year of weekly shifts: 26 weeks back, 26 ahead.
    for (let w = -26; w < 26; w++) {
      const starts = new Date(now + w * 7 * 24 * HOUR + Math.floor(rand() * 7 * 24) * HOUR);
      const ends = new Date(starts.getTime() + 2 * HOUR);
      const capacity = 4 + Math.floor(rand() * 7);
      const past = ends.getTime() < now;
      const shiftId = id();
      const taken = Math.min(people.length, Math.floor(capacity * (0.5 + rand() * 0.5)));
      load.add("Shift", [shiftId, sid, tid, pick(gridsByStation[i % nStations]!), pick(["PATROL", "NIGHT_PATROL", "PUBLICITY"]), "巡逻", starts, ends, capacity, past ? "DONE" : "OPEN", String(100000 + Math.floor(rand() * 899999)), taken, officerAccount, new Date(now)]);
      const start = Math.floor(rand() * Math.max(1, people.length - taken));
      for (let k = 0; k < taken; k++) {
        const cid = id();
        load.add("ShiftClaim", [cid, shiftId, people[start + k], past ? "COMPLETED" : "CONFIRMED", starts, past ? 120 : null, new Date(now)]);
        if (past) load.add("PointsEntry", [id(), people[start + k], sid, 20, "PATROL_HOURS", `claim:${cid}`]);
      }
    }
    // Commendations: a monthly board edition per station with 10 entries; month m's comes from the
    // station's m-th team.
    const m = Math.floor(i / nStations);
    if (m < 12 && people.length) {
      const editionId = id();
      load.add("BoardEdition", [editionId, sid, tid, `${m + 1}月表扬榜`, officerAccount, new Date(now - m * 30 * 24 * HOUR)]);
      for (let e = 0; e < 10; e++) {
        const vid = people[Math.floor(rand() * people.length)]!;
        const deedId = id();
        const cid = id();
        load.add("GoodDeed", [deedId, sid, tid, vid, pick(["HEROIC_ACT", "LOST_PROPERTY_RETURNED", "HELPING_ELDERLY", "FRAUD_PREVENTED"]), "好人好事", "事迹详情……", new Date(now - m * 30 * 24 * HOUR), "APPROVED", officerAccount]);
        load.add("Commendation", [cid, deedId, sid, tid, vid]);
        load.add("BoardEntry", [id(), editionId, cid, e]);
        load.add("PointsEntry", [id(), vid, sid, 50, "COMMENDATION", `deed:${deedId}`]);
      }
    }
    if (i % 100 === 99) {
      await load.flush();
      if (i % 5000 === 4999) process.stdout.write(`  ${i + 1}/${nTeams} teams\n`);
    }
  }
  await load.done();
  await client.query("ANALYZE");
  await client.end();
  const c = load.counts;
  return { ...(await fixtures(url)), counts: { stations: nStations, teams: nTeams, volunteers: nVolunteers, shifts: c.Shift!, claims: c.ShiftClaim!, commendations: c.Commendation!, points: c.PointsEntry! } };
}

/** What the scenarios need from generated data: station 1, its large team 1 and that team's people. */
export async function fixtures(url: string): Promise<Omit<Generated, "counts">> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows: [station] } = await client.query<{ id: string }>(`SELECT id FROM "Station" WHERE name = '派出所1'`);
  const { rows: [team] } = await client.query<{ id: string }>(`SELECT id FROM "Team" WHERE name = '义警队1'`);
  const { rows: people } = await client.query<{ volunteerId: string; accountId: string }>(
    `SELECT m."volunteerId", a.id AS "accountId" FROM "TeamMembership" m JOIN "Account" a ON a."volunteerId" = m."volunteerId" WHERE m."teamId" = $1 ORDER BY a.phone`,
    [team!.id],
  );
  await client.end();
  return { stationId: station!.id, teamId: team!.id, teamVolunteers: people, viewerAccountId: people[0]!.accountId };
}
