// Province-scale data: --scale 1 ≈ one city like 诸暨 (18 stations, 479 teams, 15,000 volunteers, a
// year of shifts and claims, commendations, points). Bulk loaded with unnest() multi-row inserts,
// repeatable from the seed.
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

async function insert(client: pg.Client, table: string, cols: [string, string][], rows: unknown[][]) {
  const BATCH = 5000;
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const arrays = cols.map((_, c) => chunk.map((row) => row[c]));
    const sql = `INSERT INTO "${table}" (${cols.map(([n]) => `"${n}"`).join(", ")})
      SELECT * FROM unnest(${cols.map(([, t], j) => `$${j + 1}::${t}[]`).join(", ")})`;
    await client.query(sql, arrays);
  }
}

const SPECIALTIES = ["MEDICAL_GUARD", "HIGH_RISE", "CAMPUS_SECURITY", "COMMUNITY_GRID", "ANTI_FRAUD", "MEDIATION", "NIGHT_PATROL", "TRAFFIC"];

export async function generate(url: string, scale: number, seed = 2026): Promise<Generated> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const id = makeIds(seed * 1000 + scale);
  const rand = prng(seed + scale);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const now = Date.now();
  const HOUR = 3600_000;
  const nStations = 18 * scale;
  const nTeams = 479 * scale;
  const nVolunteers = 15_000 * scale;

  const stations = Array.from({ length: nStations }, (_, i) => [id(), `派出所${i + 1}`, "诸暨市", `街道${i % 18}`]);
  await insert(client, "Station", [["id", "uuid"], ["name", "text"], ["city", "text"], ["district", "text"]], stations);
  const grids: unknown[][] = [];
  const communities: unknown[][] = [];
  const gridsByStation = new Map<string, string[]>();
  for (const [sid] of stations as string[][]) {
    for (let c = 0; c < 3; c++) {
      const cid = id();
      communities.push([cid, sid, `社区${c + 1}`]);
      for (let g = 0; g < 3; g++) {
        const gid = id();
        grids.push([gid, sid, cid, `网格${c + 1}-${g + 1}`, 29.7 + rand() * 0.1, 120.2 + rand() * 0.1]);
        gridsByStation.set(sid!, [...(gridsByStation.get(sid!) ?? []), gid]); // 9 per station
      }
    }
  }
  await insert(client, "Community", [["id", "uuid"], ["stationId", "uuid"], ["name", "text"]], communities);
  await insert(client, "Grid", [["id", "uuid"], ["stationId", "uuid"], ["communityId", "uuid"], ["name", "text"], ["latitude", "float8"], ["longitude", "float8"]], grids);

  const teams = Array.from({ length: nTeams }, (_, i) => [id(), stations[i % nStations]![0], `义警队${i + 1}`, new Date(now)]);
  await insert(client, "Team", [["id", "uuid"], ["stationId", "uuid"], ["name", "text"], ["updatedAt", "timestamp"]], teams);
  const squads: unknown[][] = [];
  for (const [tid] of teams as string[][]) for (let q = 0; q < 2; q++) squads.push([id(), tid, `小队${q + 1}`, pick(SPECIALTIES), new Date(now)]);
  await insert(client, "Squad", [["id", "uuid"], ["teamId", "uuid"], ["name", "text"], ["specialty", '"Specialty"'], ["updatedAt", "timestamp"]], squads);

  // Team 0 is the large one of station 0 (the claim storm needs 1,000 members).
  const volunteers: unknown[][] = [];
  const teamOf: string[] = [];
  const members = new Map<string, string[]>();
  for (let i = 0; i < nVolunteers; i++) {
    const vid = id();
    const team = i < 1200 ? teams[0]! : teams[i % nTeams]!;
    teamOf.push(team[0] as string);
    const list = members.get(team[0] as string) ?? [];
    list.push(vid);
    members.set(team[0] as string, list);
    volunteers.push([vid, `义警${i}`, `义警${i}`, String(15000000000 + i), new Date(now)]);
  }
  await insert(client, "Volunteer", [["id", "uuid"], ["name", "text"], ["displayName", "text"], ["phone", "text"], ["updatedAt", "timestamp"]], volunteers);
  await insert(client, "TeamMembership", [["id", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"]], volunteers.map((v, i) => [id(), teamOf[i], v[0]]));
  const squadOfTeam = new Map<string, string[]>();
  for (const [sq, tid] of squads as string[][]) squadOfTeam.set(tid!, [...(squadOfTeam.get(tid!) ?? []), sq!]);
  const squadMembers = volunteers.flatMap((v, i) => (i % 5 < 3 ? [[id(), squadOfTeam.get(teamOf[i]!)![0], v[0]]] : []));
  await insert(client, "SquadMembership", [["id", "uuid"], ["squadId", "uuid"], ["volunteerId", "uuid"]], squadMembers);
  const accounts = volunteers.map((v) => [id(), v[3], "bench-no-password", v[0]]);
  const officerAccount = id();
  accounts.push([officerAccount, "19900000000", "bench-no-password", null]);
  await insert(client, "Account", [["id", "uuid"], ["phone", "text"], ["passwordHash", "text"], ["volunteerId", "uuid"]], accounts);
  await insert(client, "AccountRole", [["id", "uuid"], ["accountId", "uuid"], ["role", '"GrantedRole"'], ["stationId", "uuid"]], [[id(), officerAccount, "OFFICER", stations[0]![0]]]);

  // A year of weekly shifts per team: 26 weeks back, 26 ahead.
  const shifts: unknown[][] = [];
  const claims: unknown[][] = [];
  const points: unknown[][] = [];
  for (const [tid, sid] of teams as string[][]) {
    const people = members.get(tid!) ?? [];
    for (let w = -26; w < 26; w++) {
      const starts = new Date(now + w * 7 * 24 * HOUR + Math.floor(rand() * 7 * 24) * HOUR);
      const ends = new Date(starts.getTime() + 2 * HOUR);
      const capacity = 4 + Math.floor(rand() * 7);
      const past = ends.getTime() < now;
      const shiftId = id();
      const taken = Math.min(people.length, Math.floor(capacity * (0.5 + rand() * 0.5)));
      shifts.push([shiftId, sid, tid, pick(gridsByStation.get(sid!)!), pick(["PATROL", "NIGHT_PATROL", "PUBLICITY"]), "巡逻", starts, ends, capacity, past ? "DONE" : "OPEN", String(100000 + Math.floor(rand() * 899999)), taken, officerAccount, new Date(now)]);
      const start = Math.floor(rand() * Math.max(1, people.length - taken));
      for (let k = 0; k < taken; k++) {
        const cid = id();
        claims.push([cid, shiftId, people[start + k], past ? "COMPLETED" : "CONFIRMED", starts, past ? 120 : null, new Date(now)]);
        if (past) points.push([id(), people[start + k], sid, 20, "PATROL_HOURS", `claim:${cid}`]);
      }
    }
  }
  await insert(client, "Shift", [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["gridId", "uuid"], ["kind", '"ShiftKind"'], ["title", "text"], ["startsAt", "timestamp"], ["endsAt", "timestamp"], ["capacity", "int4"], ["status", '"ShiftStatus"'], ["postCode", "text"], ["confirmedCount", "int4"], ["createdById", "uuid"], ["updatedAt", "timestamp"]], shifts);
  await insert(client, "ShiftClaim", [["id", "uuid"], ["shiftId", "uuid"], ["volunteerId", "uuid"], ["status", '"ClaimStatus"'], ["claimedAt", "timestamp"], ["minutesServed", "int4"], ["updatedAt", "timestamp"]], claims);

  // Commendations: a monthly board edition per station with 10 entries.
  const deeds: unknown[][] = [];
  const commendations: unknown[][] = [];
  const editions: unknown[][] = [];
  const entries: unknown[][] = [];
  for (const [sid] of stations as string[][]) {
    const stationTeams = (teams as string[][]).filter((t) => t[1] === sid);
    for (let m = 0; m < 12; m++) {
      const editionId = id();
      const team = stationTeams[m % stationTeams.length]!;
      editions.push([editionId, sid, team[0], `${m + 1}月表扬榜`, officerAccount, new Date(now - m * 30 * 24 * HOUR)]);
      for (let e = 0; e < 10; e++) {
        const people = members.get(team[0]!) ?? [];
        const vid = people[Math.floor(rand() * people.length)]!;
        const deedId = id();
        const cid = id();
        deeds.push([deedId, sid, team[0], vid, pick(["HEROIC_ACT", "LOST_PROPERTY_RETURNED", "HELPING_ELDERLY", "FRAUD_PREVENTED"]), "好人好事", "事迹详情……", new Date(now - m * 30 * 24 * HOUR), "APPROVED", officerAccount]);
        commendations.push([cid, deedId, sid, team[0], vid]);
        entries.push([id(), editionId, cid, e]);
        points.push([id(), vid, sid, 50, "COMMENDATION", `deed:${deedId}`]);
      }
    }
  }
  await insert(client, "GoodDeed", [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"], ["category", '"GoodDeedCategory"'], ["title", "text"], ["story", "text"], ["occurredAt", "timestamp"], ["status", '"GoodDeedStatus"'], ["submittedById", "uuid"]], deeds);
  await insert(client, "Commendation", [["id", "uuid"], ["goodDeedId", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["volunteerId", "uuid"]], commendations);
  await insert(client, "BoardEdition", [["id", "uuid"], ["stationId", "uuid"], ["teamId", "uuid"], ["title", "text"], ["publishedById", "uuid"], ["publishedAt", "timestamp"]], editions);
  await insert(client, "BoardEntry", [["id", "uuid"], ["editionId", "uuid"], ["commendationId", "uuid"], ["position", "int4"]], entries);
  await insert(client, "PointsEntry", [["id", "uuid"], ["volunteerId", "uuid"], ["stationId", "uuid"], ["amount", "int4"], ["reason", '"PointsReason"'], ["source", "text"]], points);
  await client.query("ANALYZE");
  await client.end();
  return { ...(await fixtures(url)), counts: { stations: nStations, teams: nTeams, volunteers: nVolunteers, shifts: shifts.length, claims: claims.length, commendations: commendations.length, points: points.length } };
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
