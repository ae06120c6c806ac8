import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { gql, startApp } from "./support/client.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

describe("server", () => {
  it("reports health with the database", async () => {
    const res = await fetch(`${app.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: "up" });
  });

  it("serves the web app (or its placeholder) at / and for client routes", async () => {
    for (const path of ["/", "/shifts/today"]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      expect(await res.text()).toContain("邻舍");
    }
  });

  it("does not serve files outside the web build", async () => {
    const res = await fetch(`${app.url}/..%2f..%2fpackage.json`);
    expect(await res.text()).not.toContain('"packageManager"');
  });

  it("rejects queries nested deeper than the limit", async () => {
    const deep = "{ viewer { volunteer { teams(first: 1) { edges { node { team { squads(first: 1) { edges { node { members(first: 1) { edges { node { volunteer { squads(first: 1) { edges { node { id } } } } } } } } } } } } } } } } }";
    const res = await gql(app, deep);
    expect(res.errors?.[0]?.extensions?.code).toBe("DEPTH_LIMIT");
  });

  it("answers null without an error for malformed, unknown-type and missing IDs alike", async () => {
    for (const id of ["bm90LWEtdHlwZToxMjM=", "%%%", "", Buffer.from("Team:not-a-uuid").toString("base64"), Buffer.from("Team:00000000-0000-7000-8000-000000000000").toString("base64")]) {
      expect(await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id })).toEqual({ data: { node: null } });
    }
  });

  it("answers a malformed URL with 400 and stays up", async () => {
    for (const path of ["/%", "/%E0%A4%A", "/assets/%zz"]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(400);
    }
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});
