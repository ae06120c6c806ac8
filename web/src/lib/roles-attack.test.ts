// The role guard reads the address as the router does: @solidjs/router matches segments case-insensitively
// and skips empty ones, so /SETTINGS, //review or /settings/ open the page that /settings opens.
import { describe, expect, it } from "vitest";
import { mayOpen } from "./roles";

const viewer = (roles: string[], volunteer = true) =>
  ({
    roleNames: roles,
    roles: roles.map((role) => ({ role, station: { id: "s", name: "府山派出所" }, team: null, squad: null, partner: null })),
    volunteer: volunteer ? { id: "v", displayName: "老吴" } : null,
  }) as never;

describe("the role guard and the router's matching", () => {
  it("an officer's page in another spelling is still refused to a volunteer", () => {
    const volunteer = viewer(["VOLUNTEER"]);
    for (const path of ["/SETTINGS", "/Settings/", "//settings", "/settings//", "/REVIEW", "//review", "/Audit", "/Members/x", "//stats?x=1"]) {
      expect(mayOpen(volunteer, path), path).toBe(false);
    }
    expect(mayOpen(viewer(["OFFICER"], false), "/SETTINGS")).toBe(true);
    expect(mayOpen(volunteer, "/SHIFTS")).toBe(true);
    expect(mayOpen(volunteer, "/Board/abc")).toBe(true);
  });

  it("a shift's roster is open to all, the shift board itself not to a partner's contact", () => {
    const partner = viewer(["PARTNER_ADMIN"], false);
    expect(mayOpen(partner, "/shifts/abc")).toBe(true);
    for (const path of ["/shifts", "/shifts/", "/SHIFTS", "//shifts//"]) expect(mayOpen(partner, path), path).toBe(false);
  });
});
