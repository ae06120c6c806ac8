// Every mutation, fed generated inputs (fast-check) as an officer, a leader, a volunteer and an
// anonymous caller: no answer may be a masked "Unexpected error.", the server stays healthy, and the
// seat, waitlist, ledger and stock invariants hold afterwards.
import fc from "fast-check";
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  type GraphQLInputType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { schema } from "../api/src/schema/index.js";
import { gql, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { tokensFor } from "./support/shifts.js";

vi.hoisted(() => {
  // 2,000+ mutations within a minute or two from four accounts, on purpose: the per-account budget
  // (RATE_LIMIT_MUTATIONS_PER_MINUTE, test/limits.test.ts) would answer most of them with 429.
  process.env.RATE_LIMIT_MUTATIONS_PER_MINUTE = "1000000";
});

let app: App;
let tokens: (string | null)[] = [];
const PHONES = [DEMO_PHONES.fushanOfficer, DEMO_PHONES.haolinsheLeader, "13800000150", DEMO_PHONES.changqingOfficer];
/** Fresh sessions for the callers: a generated signOut, password change, reset or disable may have ended theirs. */
async function refreshTokens() {
  await prisma.account.updateMany({ where: { phone: { in: PHONES } }, data: { disabled: false } });
  const t = await tokensFor(PHONES);
  tokens = [...PHONES.map((p) => t.get(p)!), null];
}
/** Real global IDs by GraphQL type name, from both stations. */
const pool = new Map<string, string[]>();

const TYPE_OF_ID: Record<string, string> = {
  stationId: "Station", teamId: "Team", squadId: "Squad", gridId: "Grid", volunteerId: "Volunteer", shiftId: "Shift", claimId: "ShiftClaim",
  goodDeedId: "GoodDeed", editionId: "CommendationBoardEdition", entryId: "PointsEntry", rewardId: "Reward", redemptionId: "Redemption",
  partnerId: "Partner", agreementId: "Agreement", enrollmentId: "Enrollment", commendationIds: "Commendation", squadIds: "Squad",
  partnerIds: "Partner", shiftIds: "Shift",
  reportId: "PatrolReport", mediatorId: "Mediator", mediatorIds: "Mediator", caseId: "MediationCase", requestId: "HomeWatchRequest", officerId: "Officer",
  regionId: "Region", communityId: "Community", inviteId: "TeamInvite",
  membershipId: "TeamMembership", assignmentId: "RoleAssignment", volunteerIds: "Volunteer",
};

beforeAll(async () => {
  const demo = await seedDemoData();
  app = await startApp();
  await refreshTokens();
  const add = (type: string, ids: string[]) => pool.set(type, ids.map((id) => gid(type, id)));
  add("Station", [demo.fushan.id, demo.changqing.id]);
  add("Team", [demo.haolinshe.id, demo.committee.id]);
  add("Squad", demo.squads.slice(0, 3).map((s) => s.id));
  add("Grid", (await prisma.grid.findMany({ take: 3 })).map((r) => r.id));
  add("Volunteer", (await prisma.volunteer.findMany({ take: 6, orderBy: { phone: "asc" } })).map((r) => r.id));
  add("Shift", (await prisma.shift.findMany({ take: 4 })).map((r) => r.id));
  add("Partner", (await prisma.partner.findMany({ take: 3 })).map((r) => r.id));
  add("Agreement", (await prisma.agreement.findMany({ take: 3 })).map((r) => r.id));
  add("Reward", (await prisma.reward.findMany({ take: 3 })).map((r) => r.id));
  add("Commendation", (await prisma.commendation.findMany({ take: 3 })).map((r) => r.id));
  add("CommendationBoardEdition", (await prisma.boardEdition.findMany({ take: 2 })).map((r) => r.id));
  add("PointsEntry", (await prisma.pointsEntry.findMany({ take: 3 })).map((r) => r.id));
  add("Community", (await prisma.community.findMany({ take: 3 })).map((r) => r.id));
  add("TeamMembership", (await prisma.teamMembership.findMany({ take: 3 })).map((r) => r.id));
  add("RoleAssignment", (await prisma.accountRole.findMany({ take: 3 })).map((r) => r.id));
}, 120_000);
afterAll(() => app?.stop());

// Mostly inputs that pass validation, so that calls reach the services and the database; some with
// control characters, NUL included, hidden in otherwise valid text; some far too long or odd.
const plain = fc.oneof(fc.constantFrom("府山巡逻", "夜巡", "护学岗", "表扬", "拾金不昧", "linshe-demo", "13800000101"), fc.string({ minLength: 1, maxLength: 20 }));
// NUL most often: PostgreSQL cannot store it at all.
const controlChar = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 0x1f }) });
const control = fc.tuple(plain, controlChar, plain).map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`);
const text = fc.oneof(
  { weight: 6, arbitrary: plain },
  { weight: 2, arbitrary: control },
  { weight: 1, arbitrary: fc.constantFrom("  ", "", "=HYPERLINK(\"http://x\")", "'; DROP TABLE \"Shift\";--", "𠀀😀", "\u007f", "a\u0000b") },
  { weight: 1, arbitrary: fc.string({ minLength: 100, maxLength: 3000, unit: "grapheme" }) },
);
const dateTime = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -30 * 24, max: 60 * 24 }).map((h) => new Date(Date.now() + h * 3600_000).toISOString()) },
  { weight: 2, arbitrary: fc.constantFrom("10000-01-01T00:00:00Z", "-271821-04-20T00:00:00Z", "garbage", "", "2026-13-45T25:61:00Z", "1999-12-31T23:59:59Z", "275760-09-13T00:00:00Z") },
);
const int = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 2, arbitrary: fc.integer({ min: -5, max: 600 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 2147483647, -2147483648, 100_001, 10_000_000) });
const float = fc.oneof(fc.double({ min: -200, max: 200, noNaN: true }), fc.constantFrom(30.0023, 120.5772, 1e308, -1e308));
const malformedId = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("bm90LWEtdHlwZToxMjM=", "VGVhbTpub3QtYS11dWlk", Buffer.from("Team:00000000-0000-7000-8000-000000000000").toString("base64")));

function idFor(field: string) {
  const type = TYPE_OF_ID[field];
  const real = type ? (pool.get(type) ?? []) : [];
  const any = [...pool.values()].flat();
  return fc.oneof(
    { weight: real.length ? 8 : 0, arbitrary: real.length ? fc.constantFrom(...real) : fc.constant("") },
    { weight: 1, arbitrary: fc.constantFrom(...any) },
    { weight: 1, arbitrary: malformedId },
  );
}

function arbitraryFor(type: GraphQLInputType, field: string, depth = 0): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return arbitraryFor(type.ofType, field, depth);
  const nullable = (a: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) });
  if (type instanceof GraphQLList) {
    const item = arbitraryFor(type.ofType, field, depth + 1);
    return fc.oneof({ weight: 6, arbitrary: fc.array(item, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.array(item, { minLength: 90, maxLength: 120 }) });
  }
  if (type instanceof GraphQLEnumType) return fc.constantFrom(...type.getValues().map((v) => v.name));
  if (type instanceof GraphQLInputObjectType) {
    const entries = Object.values(type.getFields()).map((f) => {
      const a = arbitraryFor(f.type, f.name, depth + 1);
      return [f.name, f.type instanceof GraphQLNonNull ? a : nullable(a)] as const;
    });
    return fc.record(Object.fromEntries(entries), { requiredKeys: entries.filter(([k]) => type.getFields()[k]!.type instanceof GraphQLNonNull).map(([k]) => k) });
  }
  const scalar = (type as GraphQLScalarType).name;
  if (scalar === "ID") return idFor(field);
  if (scalar === "String") return field === "phone" ? fc.oneof(fc.constantFrom("13800000101", "13911112222", DEMO_PHONES.changqingOfficer), text) : text;
  if (scalar === "Int") return int;
  if (scalar === "Float") return float;
  if (scalar === "Boolean") return fc.boolean();
  if (scalar === "DateTime") return dateTime;
  // Files come only as multipart parts (test/casework.test.ts); in JSON they are refused.
  if (scalar === "Upload") return fc.constantFrom("not-a-file", "");
  throw new Error(`no arbitrary for ${scalar}`);
}

// Mutations that take a file travel as multipart requests (test/import.test.ts feeds them bad sheets).
const takesFile = (t: GraphQLInputType): boolean => {
  let inner: GraphQLInputType = t;
  while (inner instanceof GraphQLNonNull || inner instanceof GraphQLList) inner = inner.ofType;
  if (inner instanceof GraphQLScalarType) return inner.name === "File";
  return inner instanceof GraphQLInputObjectType && Object.values(inner.getFields()).some((f) => takesFile(f.type));
};
const mutations = Object.values(schema.getMutationType()!.getFields()).filter((m) => !takesFile(m.args[0]!.type));
const call = fc.integer({ min: 0, max: mutations.length - 1 }).chain((i) => {
  const m = mutations[i]!;
  // Officers most often, since they may run most mutations: 0 officer, 1 leader, 2 volunteer, 3 another station's officer, 4 anonymous.
  const who = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.constant(2) }, { weight: 1, arbitrary: fc.constant(3) }, { weight: 1, arbitrary: fc.constant(4) });
  return fc.record({ name: fc.constant(m.name), input: arbitraryFor(m.args[0]!.type, "input"), who });
});

describe("generated inputs to every mutation", () => {
  it("never answer a masked error, leave the server healthy and the invariants intact (2,000+ inputs)", async () => {
    let sent = 0;
    let done = 0; // calls that went through: the generator reaches the services, not only validation
    const masked: string[] = [];
    // Eight calls a request, as aliases: the same work for the server, fewer round trips for the test.
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 8, maxLength: 8 }), async (batch) => {
        await refreshTokens();
        const byWho = new Map<number, typeof batch>();
        for (const c of batch) byWho.set(c.who, [...(byWho.get(c.who) ?? []), c]);
        for (const [who, calls] of byWho) {
          const doc = `mutation (${calls.map((c, i) => `$v${i}: ${c.name[0]!.toUpperCase()}${c.name.slice(1)}Input!`).join(", ")}) {
            ${calls.map((c, i) => `m${i}: ${c.name}(input: $v${i}) { userErrors { code field } }`).join("\n")}
          }`;
          const res = await fetch(`${app.url}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json", ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}) },
            body: JSON.stringify({ query: doc, variables: Object.fromEntries(calls.map((c, i) => [`v${i}`, c.input])) }),
          });
          sent += calls.length;
          const body = (await res.json()) as { data?: Record<string, { userErrors: unknown[] } | null> | null; errors?: { message: string; extensions?: { code?: string } }[] };
          done += Object.values(body.data ?? {}).filter((r) => r && r.userErrors.length === 0).length;
          for (const e of body.errors ?? []) {
            if (e.message === "Unexpected error." || e.extensions?.code === "INTERNAL_SERVER_ERROR") masked.push(`${calls.map((c) => c.name).join(",")}: ${JSON.stringify(calls.map((c) => c.input)).slice(0, 600)}`);
          }
        }
      }),
      { numRuns: 260, seed: Number(process.env.FUZZ_SEED ?? 20261126), endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(2000);
    expect(done).toBeGreaterThan(100);
    expect(masked).toEqual([]);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);

    // Seats: every shift's counts equal its claims, within capacity; waitlist numbers unique.
    const seats = await prisma.$queryRaw<{ id: string }[]>`
      SELECT s.id FROM "Shift" s
      WHERE s."confirmedCount" <> (SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status = 'CONFIRMED')
         OR (s.status = 'OPEN' AND s."waitlistCount" <> (SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status = 'WAITLISTED'))
         OR s."confirmedCount" > s.capacity`;
    expect(seats).toEqual([]);
    // Ledger: no station's balance of anyone below zero; stock never below zero.
    const negative = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT 1 FROM "PointsEntry" GROUP BY "volunteerId", "stationId" HAVING sum(amount) < 0) x`;
    expect(Number(negative[0]!.n)).toBe(0);
    expect(await prisma.reward.count({ where: { stock: { lt: 0 } } })).toBe(0);
  }, 240_000);
});
