// What each role sees: the tabs of the header and the page a sign-in lands on.
import type { ViewerInfoFragment } from "../gql/graphql";

type Viewer = Pick<ViewerInfoFragment, "roleNames" | "roles" | "volunteer"> & { isMediator?: boolean };

const has = (v: Viewer | null | undefined, role: ViewerInfoFragment["roleNames"][number]) => !!v?.roleNames.includes(role);
/** A team's leader (a squad leader's grant names the squad as well). */
export const leadsTeam = (v: Viewer | null | undefined) => !!v?.roles.some((r) => r.role === "LEADER" && r.team && !r.squad);
/** Leads a squad (watches that squad's patrols). */
export const leadsSquad = (v: Viewer | null | undefined) => !!v?.roles.some((r) => r.role === "LEADER" && r.squad);
export const isOfficer = (v: Viewer | null | undefined) => has(v, "OFFICER") || has(v, "ADMIN");

export interface Tab {
  href: string;
  zh: string;
  en: string;
}

/** Only tabs whose page the viewer can use. */
export function tabsFor(v: Viewer | null | undefined): Tab[] {
  const volunteer = !!v?.volunteer;
  const officer = isOfficer(v);
  const tabs: (Tab & { show: boolean })[] = [
    { href: "/shifts", zh: "班次", en: "Shifts", show: volunteer || officer || has(v, "LEADER") },
    { href: "/my", zh: "我的班次", en: "My shifts", show: volunteer },
    { href: "/points", zh: "积分", en: "Points", show: volunteer },
    { href: "/report", zh: "上报", en: "Report", show: volunteer },
    { href: "/lead", zh: "队长", en: "Leader", show: officer || leadsTeam(v) },
    { href: "/watch", zh: "巡防动态", en: "Watch", show: officer || leadsTeam(v) || leadsSquad(v) },
    { href: "/callups", zh: "召集", en: "Call-ups", show: officer },
    { href: "/bulletins", zh: "提醒", en: "Bulletins", show: officer },
    { href: "/stats", zh: "统计", en: "Statistics", show: officer || has(v, "REGION_ADMIN") },
    { href: "/county", zh: "区域", en: "County", show: has(v, "ADMIN") || has(v, "REGION_ADMIN") },
    { href: "/members", zh: "队员", en: "Members", show: officer || leadsTeam(v) },
    { href: "/review", zh: "审核", en: "Review", show: officer },
    { href: "/audit", zh: "审计", en: "Audit", show: officer },
    { href: "/cases", zh: "案件", en: "Cases", show: officer || leadsTeam(v) || has(v, "PARTNER_ADMIN") || !!v?.isMediator },
    { href: "/teams", zh: "队伍", en: "Teams", show: officer },
    { href: "/partners", zh: "共建", en: "Partners", show: officer || has(v, "PARTNER_ADMIN") },
    { href: "/board", zh: "表扬榜", en: "Board", show: true },
    { href: "/account", zh: "账号", en: "Account", show: !!v },
  ];
  return tabs.filter((t) => t.show);
}

/** The role's home: platform or region admin → /county, officer → /watch, leader → /lead, partner admin → /partners, volunteer → /shifts. */
export function homeFor(v: Viewer | null | undefined): string {
  if (has(v, "ADMIN") || has(v, "REGION_ADMIN")) return "/county";
  if (isOfficer(v)) return "/watch";
  if (leadsTeam(v)) return "/lead";
  if (has(v, "PARTNER_ADMIN")) return "/partners";
  if (v?.volunteer) return "/shifts";
  return "/board";
}

/**
 * May the viewer open this path? (Unknown paths are left to the router.) Read as the router matches
 * it: segments in any case, empty ones skipped (/SETTINGS, //settings and /settings/ open /settings).
 */
export function mayOpen(v: Viewer | null | undefined, path: string): boolean {
  const segments = (path.split(/[?#]/)[0] ?? "").split("/").filter(Boolean);
  const first = `/${segments[0]?.toLowerCase() ?? ""}`;
  if (first === "/shifts" && segments.length > 1) return true; // a shift's roster checks its own access
  if (first === "/settings") return isOfficer(v); // 派出所设置: linked from 审核 (no tab of its own)
  const known = ["/shifts", "/my", "/points", "/report", "/lead", "/watch", "/stats", "/county", "/members", "/review", "/cases", "/teams", "/partners", "/audit"];
  if (!known.includes(first)) return true;
  return tabsFor(v).some((t) => t.href === first);
}
