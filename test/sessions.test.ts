// Sessions that can be revoked: sign out (this device or all), change password, an officer's reset
// code and disabling an account; open WebSockets of an ended session are closed.
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let otherOfficer: string;
let leader: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
});
afterAll(() => app?.stop());

const VIEWER = `{ viewer { phone } }`;
const me = async (token: string) => (await gql(app, VIEWER, {}, token)).data?.viewer?.phone ?? null;
const SIGN_OUT = `mutation { signOut(input: {}) { ok userErrors { code } } }`;
const EVERYWHERE = `mutation { signOutEverywhere(input: {}) { ok sessionsEnded userErrors { code } } }`;
const CHANGE = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { ok sessionsEnded userErrors { code field } } }`;
const RESET = `mutation ($input: ResetVolunteerPasswordInput!) { resetVolunteerPassword(input: $input) { code expiresAt userErrors { code } } }`;
const ACTIVATE = `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { token userErrors { code field } } }`;
const DISABLE = `mutation ($input: DisableAccountInput!) { disableAccount(input: $input) { volunteer { id accountState } userErrors { code } } }`;
const ENABLE = `mutation ($input: EnableAccountInput!) { enableAccount(input: $input) { volunteer { id accountState } userErrors { code } } }`;

/** Opens a socket with a live subscription and resolves with its close code when the server closes it. */
async function openSocket(token: string) {
  let closed!: (code: number) => void;
  const code = new Promise<number>((r) => (closed = r));
  const client = createClient({
    url: `${app.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {}, // the close is what this test waits for
    on: { closed: (e) => closed((e as { code: number }).code) },
  });
  const connected = new Promise<void>((r) => client.on("connected", () => r()));
  client.subscribe({ query: `subscription ($t: ID!) { teamUpdated(teamId: $t) { name } }`, variables: { t: gid("Team", demo.haolinshe.id) } }, { next: () => {}, error: () => {}, complete: () => {} });
  await connected;
  return { code, dispose: () => client.dispose() };
}

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, no) => setTimeout(() => no(new Error(`not within ${ms} ms`)), ms))]);

describe("sessions", () => {
  it("signOut ends this device's session only, and closes its sockets", async () => {
    const phone = "13800000201";
    const a = await signIn(app, phone);
    const b = await signIn(app, phone);
    const socket = await openSocket(a);
    expect((await gql(app, SIGN_OUT, {}, a)).data!.signOut).toEqual({ ok: true, userErrors: [] });
    expect(await me(a)).toBeNull();
    expect(await me(b)).toBe(phone);
    expect(await within(socket.code, 5000)).toBe(4401);
  });

  it("signOutEverywhere ends every session", async () => {
    const phone = "13800000202";
    const a = await signIn(app, phone);
    const b = await signIn(app, phone);
    const res = await gql(app, EVERYWHERE, {}, a);
    expect(res.data!.signOutEverywhere).toMatchObject({ ok: true, userErrors: [] });
    expect(res.data!.signOutEverywhere.sessionsEnded).toBeGreaterThanOrEqual(2);
    expect(await me(a)).toBeNull();
    expect(await me(b)).toBeNull();
  });

  it("changePassword needs the current password and ends the other sessions", async () => {
    const phone = "13800000203";
    const a = await signIn(app, phone);
    const b = await signIn(app, phone);
    const socket = await openSocket(b);
    const wrong = await gql(app, CHANGE, { input: { currentPassword: "not-it-123", newPassword: "new-secret-1" } }, a);
    expect(wrong.data!.changePassword.userErrors).toEqual([{ code: "UNAUTHENTICATED", field: ["input", "currentPassword"] }]);
    const short = await gql(app, CHANGE, { input: { currentPassword: "linshe-demo", newPassword: "short" } }, a);
    expect(short.data!.changePassword.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "newPassword"] }]);
    expect(await me(b)).toBe(phone);
    const ok = await gql(app, CHANGE, { input: { currentPassword: "linshe-demo", newPassword: "new-secret-1" } }, a);
    expect(ok.data!.changePassword).toEqual({ ok: true, sessionsEnded: 1, userErrors: [] });
    expect(await me(a)).toBe(phone);
    expect(await me(b)).toBeNull();
    expect(await within(socket.code, 5000)).toBe(4401);
    expect(await signIn(app, phone, "new-secret-1")).toBeTruthy();
    await expect(signIn(app, phone)).rejects.toThrow();
  });
});

describe("accounts officers look after", () => {
  it("a reset code, shown once, lets the volunteer set a new password; their sessions end at once", async () => {
    const phone = "13800000204";
    const v = await demo.volunteer(phone);
    const before = await signIn(app, phone);
    const socket = await openSocket(before);
    const input = { volunteerId: gid("Volunteer", v.id) };
    // Another station's officer does not see the volunteer; a leader sees them but may not reset.
    expect((await gql(app, RESET, { input }, otherOfficer)).data!.resetVolunteerPassword.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    expect((await gql(app, RESET, { input }, leader)).data!.resetVolunteerPassword.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const reset = await gql(app, RESET, { input }, officer);
    expect(reset.data!.resetVolunteerPassword.code).toMatch(/^[A-Z2-9]{10}$/);
    expect(await me(before)).toBeNull();
    expect(await within(socket.code, 5000)).toBe(4401);
    const code = reset.data!.resetVolunteerPassword.code as string;
    const wrongCode = await gql(app, ACTIVATE, { input: { phone, code: "AAAAAAAAAA", password: "after-reset-1", acceptTerms: true } });
    expect(wrongCode.data!.activateAccount.userErrors[0].code).toBe("UNAUTHENTICATED");
    const ok = await gql(app, ACTIVATE, { input: { phone, code: `${code.slice(0, 5)}-${code.slice(5)}`, password: "after-reset-1", acceptTerms: true } });
    expect(ok.data!.activateAccount.userErrors).toEqual([]);
    expect(await me(ok.data!.activateAccount.token)).toBe(phone);
    expect(await signIn(app, phone, "after-reset-1")).toBeTruthy();
    // Once only.
    expect((await gql(app, ACTIVATE, { input: { phone, code, password: "again-again-1", acceptTerms: true } })).data!.activateAccount.userErrors[0].code).toBe("UNAUTHENTICATED");
  });

  it("disabling an account signs it out everywhere and closes its sockets (4403); enabling lets it back", async () => {
    const phone = "13800000205";
    const v = await demo.volunteer(phone);
    const token = await signIn(app, phone);
    const socket = await openSocket(token);
    const input = { volunteerId: gid("Volunteer", v.id), reason: "长期未参加活动" };
    expect((await gql(app, DISABLE, { input }, otherOfficer)).data!.disableAccount.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    expect((await gql(app, DISABLE, { input }, leader)).data!.disableAccount.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const disabled = (await gql(app, DISABLE, { input }, officer)).data!.disableAccount;
    expect(disabled.userErrors).toEqual([]);
    expect(disabled.volunteer.accountState).toBe("DISABLED"); // the state after the change
    expect(await within(socket.code, 5000)).toBe(4403);
    expect(await me(token)).toBeNull();
    await expect(signIn(app, phone)).rejects.toThrow();
    const enabled = (await gql(app, ENABLE, { input: { volunteerId: input.volunteerId } }, officer)).data!.enableAccount;
    expect(enabled).toMatchObject({ userErrors: [], volunteer: { accountState: "ACTIVE" } });
    expect(await signIn(app, phone)).toBeTruthy();
  });

  it("closes a socket whose session was revoked behind the bus's back within 5 seconds (the sweep)", async () => {
    const phone = "13800000206";
    const token = await signIn(app, phone);
    const socket = await openSocket(token);
    const account = await prisma.account.findUniqueOrThrow({ where: { phone } });
    await prisma.session.updateMany({ where: { accountId: account.id }, data: { revokedAt: new Date() } });
    expect(await within(socket.code, 5000)).toBe(4401);
  });

  it("reconnects the sockets of someone whose leader role changed (1012), so they get their new rights", async () => {
    const squad = demo.squads[2]!;
    const member = await prisma.squadMembership.findFirstOrThrow({ where: { squadId: squad.id, role: "MEMBER" }, include: { volunteer: true } });
    const token = await signIn(app, member.volunteer.phone);
    const socket = await openSocket(token);
    const res = await gql(app, `mutation ($input: SetSquadLeaderInput!) { setSquadLeader(input: $input) { userErrors { code } } }`, {
      input: { squadId: gid("Squad", squad.id), volunteerId: gid("Volunteer", member.volunteerId) },
    }, officer);
    expect(res.data!.setSquadLeader.userErrors).toEqual([]);
    expect(await within(socket.code, 5000)).toBe(1012);
    expect(await me(token)).toBe(member.volunteer.phone); // the session itself goes on
  });
});

describe("the socket sweep", () => {
  it("leaves alone a socket that opened while it was asking the database", async () => {
    const { sweepSockets, trackSocket } = await import("../api/src/graphql/socket-sessions.js");
    const { createSession } = await import("../api/src/auth/sessions.js");
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: "13800000190" } });
    const fake = () => {
      const s = { closed: null as number | null, once: () => s, close: (code: number) => void (s.closed = code), terminate: () => void (s.closed = -1) };
      return s;
    };
    const [a, b] = [fake(), fake()];
    const [sa, sb] = [await createSession(prisma, account.id), await createSession(prisma, account.id)];
    trackSocket(a as never, account.id, sa.sessionId, null);
    const sweep = sweepSockets();
    trackSocket(b as never, account.id, sb.sessionId, null);
    await sweep;
    expect([a.closed, b.closed]).toEqual([null, null]);
    await sweepSockets();
    expect(b.closed).toBeNull();
  });

  it("closes, without the pub/sub, the sockets of a revoked or expired session (4401) and of a disabled account (4403), and only those", async () => {
    const { sweepSockets, trackSocket } = await import("../api/src/graphql/socket-sessions.js");
    const { createSession } = await import("../api/src/auth/sessions.js");
    const fake = () => {
      const s = { closed: null as number | null, once: () => s, close: (code: number) => void (s.closed = code), terminate: () => void (s.closed = -1) };
      return s;
    };
    const live = await prisma.account.findUniqueOrThrow({ where: { phone: "13800000191" } });
    const gone = await prisma.account.findUniqueOrThrow({ where: { phone: "13800000192" } });
    const [keep, revoked, expired, disabled] = [fake(), fake(), fake(), fake()];
    const sessions = await Promise.all([live, live, live, gone].map((a) => createSession(prisma, a.id)));
    [keep, revoked, expired, disabled].forEach((s, i) => trackSocket(s as never, [live, live, live, gone][i]!.id, sessions[i]!.sessionId, null));
    await prisma.session.update({ where: { id: sessions[1]!.sessionId }, data: { revokedAt: new Date() } });
    await prisma.session.update({ where: { id: sessions[2]!.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await prisma.account.update({ where: { id: gone.id }, data: { disabled: true } });
    try {
      expect(await sweepSockets()).toBe(3);
      expect([keep.closed, revoked.closed, expired.closed, disabled.closed]).toEqual([null, 4401, 4401, 4403]);
      expect(await sweepSockets()).toBe(0); // closed sockets are forgotten
    } finally {
      await prisma.account.update({ where: { id: gone.id }, data: { disabled: false } });
    }
  });
});
