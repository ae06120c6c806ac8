// Notification settings' kinds attacked: a mediator of another station, and one taken off the list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createStation, createVolunteer } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const listed = async (token: string) =>
  ((await gql(app, `{ viewer { notificationPreferences { kinds { kind } } } }`, {}, token)).data!.viewer.notificationPreferences.kinds as { kind: string }[]).map((k) => k.kind);

describe("MEDIATION_ASSIGNED in the settings", () => {
  it("is listed to an active mediator of another station than their team's, and not once they are off the list", async () => {
    const home = await createStation();
    const other = await createStation();
    const v = await createVolunteer({ teamId: home.team.id });
    const row = await prisma.mediator.create({ data: { stationId: other.station.id, volunteerId: v.id, displayName: v.displayName } });
    expect(await listed(v.token)).toContain("MEDIATION_ASSIGNED");
    // Only active mediators are given cases (openMediationCase).
    await prisma.mediator.update({ where: { id: row.id }, data: { active: false } });
    expect(await listed(v.token)).not.toContain("MEDIATION_ASSIGNED");
  });
});
