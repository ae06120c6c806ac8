// Session 23's attack on the public board: a station's id in upper case (the same board, t21-attack)
// must also be the same board for the public cache's invalidation and for the screens' subscription;
// and cursors of a withdrawn edition's entry (own station: paging goes on; another's: 游标无效).
import net from "node:net";
import { describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { publicCacheStats } from "../api/src/graphql/public-cache.js";
import { log } from "../api/src/log.js";
import { gql, subscribe, useApp, wsClient } from "./support/client.js";
import { createStation, createVolunteer, gid, publishedEdition } from "./support/fixtures.js";

let app: App;
useApp((a) => (app = a));

const BOARD = `query ($s: ID!, $first: Int, $after: String, $before: String, $last: Int) { commendationBoard(stationId: $s, first: $first, after: $after, before: $before, last: $last) {
  edges { node { id displayName } } pageInfo { startCursor endCursor } } }`;
const WITHDRAW = `mutation ($i: WithdrawCommendationBoardInput!) { withdrawCommendationBoard(input: $i) { userErrors { message } } }`;
const UPDATED = `subscription ($s: ID!) { commendationBoardUpdated(stationId: $s) { id withdrawnAt } }`;

const edition = publishedEdition;
const names = (r: any) => r.data!.commendationBoard.edges.map((e: any) => e.node.displayName);
const entryCursor = (id: string) => Buffer.from(`GPC:S:${id}`).toString("base64");

describe("the public board asked with its station's uuid in upper case", () => {
  it("a withdrawal takes the edition off the cached board at once and reaches the subscribed screen", async () => {
    const a = await createStation();
    const v = await createVolunteer({ teamId: a.team.id });
    const ed = await edition(a, [v]);
    const upper = gid("Station", a.station.id.toUpperCase());
    expect(names(await gql(app, BOARD, { s: upper }))).toEqual([v.displayName]);
    const hits = publicCacheStats.hits;
    expect(names(await gql(app, BOARD, { s: upper }))).toEqual([v.displayName]);
    expect(publicCacheStats.hits).toBe(hits + 1); // cached

    const client = wsClient(app);
    try {
      const screen = subscribe(client, UPDATED, { s: upper });
      await screen.ready;
      const w = await gql(app, WITHDRAW, { i: { editionId: gid("CommendationBoardEdition", ed.id) } }, a.officer.token);
      expect(w.data!.withdrawCommendationBoard.userErrors).toEqual([]);
      // the cached page is dropped (not kept PUBLIC_CACHE_SECONDS more), and the screen is told to reload
      expect(names(await gql(app, BOARD, { s: upper }))).toEqual([]);
      const [event] = await screen.waitFor(1, 3000);
      expect(event!.data!.commendationBoardUpdated.withdrawnAt).toBeTruthy();
    } finally {
      await client.dispose();
    }
  });
});

describe("cursors of a withdrawn edition's entry", () => {
  it("one's own: the board goes on from its place; another station's: 游标无效 either way", async () => {
    const [a, b] = [await createStation(), await createStation()];
    const vols = [];
    for (let i = 0; i < 3; i++) vols.push(await createVolunteer({ teamId: a.team.id }));
    const older = await edition(a, vols.slice(0, 1));
    await edition(a, vols.slice(1));
    // the first page seen, then the older edition withdrawn: its entry's cursor still pages
    const page = await gql(app, BOARD, { s: gid("Station", a.station.id), first: 2 });
    expect(names(page)).toEqual([vols[1]!.displayName, vols[2]!.displayName]);
    await prisma.boardEdition.update({ where: { id: older.id }, data: { withdrawnAt: new Date() } });
    const [olderEntry] = await prisma.boardEntry.findMany({ where: { editionId: older.id } });
    const back = await gql(app, BOARD, { s: gid("Station", a.station.id), before: entryCursor(olderEntry!.id), last: 5 });
    expect(back.errors).toBeUndefined();
    expect(names(back)).toEqual([vols[1]!.displayName, vols[2]!.displayName]);
    const on = await gql(app, BOARD, { s: gid("Station", a.station.id), after: entryCursor(olderEntry!.id) });
    expect(on.errors).toBeUndefined();
    expect(names(on)).toEqual([]);

    const bWithdrawn = await edition(b, [await createVolunteer({ teamId: b.team.id })], true);
    const [bEntry] = await prisma.boardEntry.findMany({ where: { editionId: bWithdrawn.id } });
    for (const id of [bEntry!.id, bEntry!.id.toUpperCase()]) {
      for (const args of [{ after: entryCursor(id) }, { before: entryCursor(id), last: 2 }, { after: entryCursor(id), first: 0 }]) {
        const r = await gql(app, BOARD, { s: gid("Station", a.station.id), ...args });
        expect(r.errors?.map((e) => [e.extensions?.code, e.message]), JSON.stringify(args)).toEqual([["BAD_USER_INPUT", "游标无效：不是这个列表的游标"]]);
      }
    }
  });
});

describe("a cursor of another kind of list, sent by anyone", () => {
  it("is the caller's mistake (游标无效), not an unexpected error in the server's log", async () => {
    const a = await createStation();
    await edition(a, [await createVolunteer({ teamId: a.team.id })]);
    const errors = vi.spyOn(log, "error");
    try {
      for (const after of [Buffer.from("OffsetConnection:5").toString("base64"), ` ${entryCursor(a.station.id)}`]) {
        const r = await gql(app, BOARD, { s: gid("Station", a.station.id), after });
        expect(r.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["BAD_USER_INPUT", "游标无效：不是这个列表的游标"]]);
      }
      expect(errors.mock.calls.map((c) => c[1])).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });
});

describe("Vary: Origin on the WebSocket's refusal", () => {
  it("the 403 of a page of a foreign origin opening /graphql's socket names Origin in Vary", async () => {
    const head = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(app.port, "127.0.0.1", () =>
        socket.write("GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\nOrigin: https://evil.example\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("error", reject);
      socket.on("close", () => resolve(text));
    });
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 403 Forbidden");
    expect(/\r\nvary: ([^\r]*)/i.exec(head)?.[1]).toBe("Origin");
  });
});

describe("a mutation's global ID with its uuid in upper case", () => {
  it("is read as the same id, in lower case, as the rows write it", async () => {
    const { globalId } = await import("../api/src/graphql/mutation.js");
    const id = "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000";
    const upper = Buffer.from(`Shift:${id.toUpperCase()}`).toString("base64");
    expect(globalId("Shift").parse(upper)).toBe(id);
    expect(globalId("Shift").safeParse(Buffer.from(`Team:${id}`).toString("base64")).success).toBe(false);
  });
});
