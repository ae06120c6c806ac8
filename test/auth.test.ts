import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { signToken } from "../api/src/auth/tokens.js";
import { prisma } from "../api/src/db.js";
import pg from "pg";
import { pubsub } from "../api/src/pubsub.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, rawId, seedDemoData } from "./support/fixtures.js";
import { waitForLockWaiters } from "./support/locks.js";
import { inMinutes, publishShift } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
});
afterAll(() => app?.stop());

const SIGN_IN = `mutation ($input: SignInInput!) {
  signIn(input: $input) { token expiresAt viewer { phone roleNames volunteer { displayName } stations { name } } userErrors { code message field } }
}`;

describe("signIn", () => {
  it("returns a token and the viewer with roles and stations", async () => {
    const res = await gql(app, SIGN_IN, { input: { phone: DEMO_PHONES.fushanOfficer, password: "linshe-demo" } });
    expect(res.errors).toBeUndefined();
    const p = res.data!.signIn;
    expect(p.userErrors).toEqual([]);
    expect(p.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(new Date(p.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(p.viewer).toEqual({ phone: DEMO_PHONES.fushanOfficer, roleNames: ["OFFICER"], volunteer: null, stations: [{ name: "府山派出所" }] });
  });

  it("gives a leader the LEADER and VOLUNTEER roles", async () => {
    const res = await gql(app, SIGN_IN, { input: { phone: DEMO_PHONES.haolinsheLeader, password: "linshe-demo" } });
    expect(res.data!.signIn.viewer.roleNames.sort()).toEqual(["LEADER", "VOLUNTEER"]);
  });

  it("gives a plain volunteer the stations of their teams", async () => {
    const res = await gql(app, SIGN_IN, { input: { phone: "13800000160", password: "linshe-demo" } });
    expect(res.data!.signIn.viewer).toMatchObject({ roleNames: ["VOLUNTEER"], stations: [{ name: "府山派出所" }] });
  });

  it("rejects a wrong password and an unknown phone with the same UNAUTHENTICATED error", async () => {
    const wrong = await gql(app, SIGN_IN, { input: { phone: DEMO_PHONES.fushanOfficer, password: "nope-nope" } });
    const unknown = await gql(app, SIGN_IN, { input: { phone: "13999999999", password: "linshe-demo" } });
    for (const res of [wrong, unknown]) {
      expect(res.data!.signIn.token).toBeNull();
      expect(res.data!.signIn.userErrors).toEqual([
        { code: "UNAUTHENTICATED", message: "手机号或密码错误", field: ["input", "password"] },
      ]);
    }
    // The client's language decides the message's: Chinese unless it asks for English.
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en-US,en;q=0.9" },
      body: JSON.stringify({ query: SIGN_IN, variables: { input: { phone: DEMO_PHONES.fushanOfficer, password: "nope-nope" } } }),
    });
    expect(((await res.json()) as { data: { signIn: { userErrors: { message: string }[] } } }).data.signIn.userErrors[0]!.message).toBe("Wrong phone or password");
  });

  it("reports malformed input as VALIDATION errors on the fields", async () => {
    const res = await gql(app, SIGN_IN, { input: { phone: "12345", password: "" } });
    expect(res.data!.signIn.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field])).toEqual([
      ["VALIDATION", ["input", "phone"]],
      ["VALIDATION", ["input", "password"]],
    ]);
  });
});

describe("tokens", () => {
  it("are required for private data: no token gives no viewer, an error for stations and UNAUTHENTICATED for mutations", async () => {
    const res = await gql(app, `{ viewer { phone } stations(first: 5) { edges { node { name } } } }`);
    expect(res.data?.viewer).toBeNull();
    expect(res.errors?.[0]?.path).toEqual(["stations"]);
    const m = await gql(app, `mutation { createTeam(input: {stationId: "x", name: "y"}) { team { id } userErrors { code } } }`);
    expect(m.data!.createTeam).toEqual({ team: null, userErrors: [{ code: "UNAUTHENTICATED" }] });
  });

  it("reject tampered, expired and revoked tokens", async () => {
    const token = await signIn(app, DEMO_PHONES.fushanOfficer);
    const ok = await gql(app, `{ viewer { phone } }`, {}, token);
    expect(ok.data!.viewer.phone).toBe(DEMO_PHONES.fushanOfficer);

    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString("base64url")}.${s}`;
    expect((await gql(app, `{ viewer { phone } }`, {}, forged)).data!.viewer).toBeNull();

    const past = Math.floor(Date.now() / 1000) - 8 * 24 * 3600;
    const expired = signToken({ ...claims, iat: past, exp: past + 3600 });
    expect((await gql(app, `{ viewer { phone } }`, {}, expired)).data!.viewer).toBeNull();

    await prisma.session.update({ where: { id: claims.sid }, data: { revokedAt: new Date() } });
    expect((await gql(app, `{ viewer { phone } }`, {}, token)).data!.viewer).toBeNull();
  });
});

describe("WebSocket (graphql-ws on /graphql)", () => {
  const TEAM_UPDATED = `subscription ($teamId: ID!) { teamUpdated(teamId: $teamId) { name description } }`;

  it("authenticates in connection_init and delivers events after a committed change", async () => {
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const client = wsClient(app, officer);
    const sub = subscribe(client, TEAM_UPDATED, { teamId: gid("Team", demo.haolinshe.id) });
    await sub.ready;
    const res = await gql(
      app,
      `mutation ($input: UpdateTeamInput!) { updateTeam(input: $input) { team { description } userErrors { code } } }`,
      { input: { teamId: gid("Team", demo.haolinshe.id), description: "邻里守望相助" } },
      officer,
    );
    expect(res.data!.updateTeam.userErrors).toEqual([]);
    const [event] = await sub.waitFor(1);
    expect(event!.data).toEqual({ teamUpdated: { name: "好邻舍义警", description: "邻里守望相助" } });
    sub.dispose();
    await client.dispose();
  });

  it("acknowledges a subscription once it listens, not before: an event published right after the ack arrives", async () => {
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
    const { shift } = await publishShift(app, leader, { teamId: gid("Team", demo.haolinshe.id), startsAt: inMinutes(60), endsAt: inMinutes(120) });
    const client = wsClient(app, officer);
    await subscribe(client, TEAM_UPDATED, { teamId: gid("Team", demo.haolinshe.id) }).ready; // connected and signed in
    // shiftUpdated looks the shift up before it listens: hold that lookup back.
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`BEGIN; LOCK TABLE "Shift" IN ACCESS EXCLUSIVE MODE`);
      const sub = subscribe(client, `subscription ($id: ID!) { shiftUpdated(shiftId: $id) { id } }`, { id: shift.id });
      let acked = false;
      void sub.ready.then(() => (acked = true));
      await waitForLockWaiters(db, 1);
      expect(acked).toBe(false);
      await db.query("COMMIT");
      await sub.ready;
      pubsub.publish("shiftUpdated", rawId(shift.id), { shiftId: rawId(shift.id) }); // no round trip: at once
      const [event] = await sub.waitFor(1);
      expect(event!.data).toEqual({ shiftUpdated: { id: shift.id } });
    } finally {
      await db.query("ROLLBACK").catch(() => {});
      await db.end();
      await client.dispose();
    }
  });

  it("refuses private subscriptions without a token", async () => {
    const client = wsClient(app, null);
    const sub = subscribe(client, TEAM_UPDATED, { teamId: gid("Team", demo.haolinshe.id) });
    const [first] = await sub.waitFor(1).catch((e) => [{ errors: [e] }]);
    expect(JSON.stringify(first)).toMatch(/没有权限查看/);
    await client.dispose();
  });

  it("closes the connection for an invalid token", async () => {
    const client = wsClient(app, "not-a-token");
    const sub = subscribe(client, TEAM_UPDATED, { teamId: gid("Team", demo.haolinshe.id) });
    const error = await sub.waitFor(1).then(
      () => null,
      (e) => e,
    );
    expect(error).not.toBeNull();
    expect((error as { code?: number }).code ?? String(error)).toBe(4403);
    await client.dispose();
  });

  it("does not let an officer of another station watch the team", async () => {
    const other = await signIn(app, DEMO_PHONES.changqingOfficer);
    const client = wsClient(app, other);
    const sub = subscribe(client, TEAM_UPDATED, { teamId: gid("Team", demo.haolinshe.id) });
    const results = await sub.waitFor(1).catch((e) => [{ errors: [e] }]);
    expect(JSON.stringify(results)).toMatch(/未找到队伍/);
    await client.dispose();
  });
});
