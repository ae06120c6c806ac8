// Labels, role tabs and homes, sign-in redirects, and the street screen's pages.
import { describe, expect, it } from "vitest";
import { groupEditions, screenPages } from "../pages/Board";
import { rangeWindow } from "../pages/ShiftBoard";
import { safeNext } from "./auth";
import { setLang } from "./i18n";
import { label, labels, values } from "./labels";
import { homeFor, mayOpen, tabsFor } from "./roles";

const viewer = (roles: { role: string; team?: boolean; squad?: boolean }[], volunteer = true) =>
  ({
    roleNames: [...new Set(roles.map((r) => r.role))],
    roles: roles.map((r) => ({ role: r.role, station: { id: "s", name: "府山派出所" }, team: r.team ? { id: "t", name: "好邻舍义警" } : null, squad: r.squad ? { id: "q", name: "医疗守护" } : null, partner: null })),
    volunteer: volunteer ? { id: "v", displayName: "老吴" } : null,
  }) as never;

describe("enum labels", () => {
  it("Chinese first, English second, every value of the schema's enum", () => {
    expect(values("ShiftKind")).toEqual(["PATROL", "NIGHT_PATROL", "PUBLICITY", "EVENT_SECURITY", "HOME_WATCH"]);
    expect(label("ShiftKind", "NIGHT_PATROL")).toBe("夜巡");
    expect(labels("AgreementStatus", "AWAITING_SIGNATURES")).toEqual(["待签署", "Awaiting signatures"]);
    setLang("en");
    expect(label("ClaimStatus", "WAITLISTED")).toBe("Waitlisted");
    setLang("zh");
    expect(document.documentElement.lang).toBe("zh-CN");
  });
});

describe("roles", () => {
  it("land on their home pages", () => {
    expect(homeFor(viewer([{ role: "VOLUNTEER" }]))).toBe("/shifts");
    expect(homeFor(viewer([{ role: "VOLUNTEER" }, { role: "LEADER", team: true }]))).toBe("/lead");
    expect(homeFor(viewer([{ role: "OFFICER" }], false))).toBe("/watch");
    expect(homeFor(viewer([{ role: "PARTNER_ADMIN" }], false))).toBe("/partners");
    expect(homeFor(viewer([{ role: "REGION_ADMIN" }], false))).toBe("/county");
    expect(homeFor(viewer([{ role: "ADMIN" }], false))).toBe("/county");
    expect(homeFor(viewer([{ role: "PARTNER_ADMIN" }, { role: "VOLUNTEER" }]))).toBe("/partners");
  });
  it("see only the tabs they can use", () => {
    const hrefs = (v: never) => tabsFor(v).map((t) => t.href);
    expect(hrefs(viewer([{ role: "VOLUNTEER" }]))).toEqual(["/shifts", "/my", "/points", "/report", "/board", "/account"]);
    // A squad leader does not lead a team: no leader desk; the patrol watch shows their squad's shifts.
    const squadLeader = hrefs(viewer([{ role: "VOLUNTEER" }, { role: "LEADER", team: true, squad: true }]));
    expect(squadLeader).toContain("/watch");
    expect(squadLeader).not.toContain("/lead");
    expect(hrefs(viewer([{ role: "VOLUNTEER" }, { role: "LEADER", team: true }]))).toContain("/watch");
    expect(hrefs(viewer([{ role: "PARTNER_ADMIN" }], false))).toEqual(["/cases", "/partners", "/board", "/account"]); // findings assigned to the partner
    // Team leaders approve applications and hand out invitations; squad leaders and volunteers do not.
    expect(hrefs(viewer([{ role: "VOLUNTEER" }, { role: "LEADER", team: true }]))).toContain("/members");
    expect(mayOpen(viewer([{ role: "VOLUNTEER" }]), "/members")).toBe(false);
    expect(mayOpen(viewer([{ role: "VOLUNTEER" }]), "/lead")).toBe(false);
    // The audit log is the officers' alone: no tab and no page for a volunteer or a team leader.
    expect(hrefs(viewer([{ role: "OFFICER" }], false))).toContain("/audit");
    for (const v of [viewer([{ role: "VOLUNTEER" }]), viewer([{ role: "VOLUNTEER" }, { role: "LEADER", team: true }])]) {
      expect(hrefs(v as never)).not.toContain("/audit");
      expect(mayOpen(v, "/audit")).toBe(false);
    }
    expect(mayOpen(viewer([{ role: "VOLUNTEER" }]), "/board/abc")).toBe(true);
    // 派出所设置 has no tab: officers only.
    expect(mayOpen(viewer([{ role: "OFFICER" }], false), "/settings")).toBe(true);
    expect(mayOpen(viewer([{ role: "VOLUNTEER" }, { role: "LEADER", team: true }]), "/settings")).toBe(false);
  });
  it("go back only to a page of this site after signing in", () => {
    expect(safeNext("/points")).toBe("/points");
    expect(safeNext("//evil.example/x")).toBeNull();
    expect(safeNext("https://evil.example")).toBeNull();
    expect(safeNext("/login?next=/x")).toBeNull();
  });
});

describe("the shift board's dates", () => {
  it("今天 ends at midnight in Shanghai, not 24 hours on", () => {
    const w = rangeWindow("today", new Date("2026-11-27T14:00:00Z")); // 22:00 in Shanghai
    expect(w.to).toBe("2026-11-27T16:00:00.000Z");
  });
});

describe("the street screen", () => {
  const entry = (edition: string, at: string, who: string, title: string) =>
    ({ id: `${edition}-${who}`, displayName: who, legalName: null, teamName: "好邻舍义警", squadName: null, category: "OTHER", title, story: "…", place: "", occurredAt: "2026-11-01T00:00:00Z", editionTitle: edition, publishedAt: at, timesCommended: 1 }) as never;
  it("groups by edition, newest first, and shows each deed once", () => {
    const eds = groupEditions([entry("12月", "2026-12-01", "刘老师", "护送老人"), entry("12月", "2026-12-01", "黎师傅", "劝阻诈骗"), entry("11月", "2026-11-01", "刘老师", "护送老人"), entry("11月", "2026-11-01", "戴老师", "拾金不昧")]);
    expect(eds.map((e) => [e.title, e.entries.map((x) => x.displayName)])).toEqual([["12月", ["刘老师", "黎师傅"]], ["11月", ["戴老师"]]]);
    const pages = screenPages(eds, 1);
    expect(pages.map((p) => p.edition.title)).toEqual(["12月", "12月", "11月"]);
  });
});
