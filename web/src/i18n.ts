// zh-CN first, English second. `tr("认领", "Claim")` picks by the chosen language.
import { createSignal } from "solid-js";

export type Lang = "zh" | "en";
const stored = (typeof localStorage !== "undefined" && localStorage.getItem("linshe.lang")) as Lang | null;
const [lang, setLangSignal] = createSignal<Lang>(stored === "en" ? "en" : "zh");
export { lang };

export function setLang(l: Lang) {
  localStorage.setItem("linshe.lang", l);
  document.documentElement.lang = l === "zh" ? "zh-CN" : "en";
  setLangSignal(l);
}

export const tr = (zh: string, en: string) => (lang() === "zh" ? zh : en);

const TZ = "Asia/Shanghai";
const fmt = (opts: Intl.DateTimeFormatOptions) => (iso: string | Date) =>
  new Intl.DateTimeFormat(lang() === "zh" ? "zh-CN" : "en-GB", { timeZone: TZ, ...opts }).format(new Date(iso));

export const fmtDateTime = fmt({ month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false });
export const fmtTime = fmt({ hour: "2-digit", minute: "2-digit", hour12: false });
export const fmtDate = fmt({ year: "numeric", month: "numeric", day: "numeric" });
export const fmtClock = fmt({ hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

/** Enum labels: Chinese term first (glossary), English second. */
const LABELS: Record<string, [string, string]> = {
  PATROL: ["巡逻", "Patrol"],
  NIGHT_PATROL: ["夜巡", "Night patrol"],
  PUBLICITY: ["宣传", "Publicity"],
  EVENT_SECURITY: ["活动安保", "Event security"],
  HOME_WATCH: ["长假照看", "Home watch"],
  OPEN: ["开放", "Open"],
  CANCELLED: ["已取消", "Cancelled"],
  DONE: ["已结束", "Done"],
  CONFIRMED: ["已确认", "Confirmed"],
  WAITLISTED: ["候补", "Waitlisted"],
  NO_SHOW: ["缺勤", "No-show"],
  COMPLETED: ["已完成", "Completed"],
  CHECKED_IN: ["签到", "Checked in"],
  CHECKED_OUT: ["签退", "Checked out"],
  MEDICAL_GUARD: ["医疗守护", "Medical"],
  HIGH_RISE: ["高层楼宇", "High-rise"],
  CAMPUS_SECURITY: ["校园安保", "Campus"],
  COMMUNITY_GRID: ["社区网格", "Community grid"],
  ANTI_FRAUD: ["反诈宣传", "Anti-fraud"],
  MEDIATION: ["矛盾调解", "Mediation"],
  TRAFFIC: ["交通", "Traffic"],
  HEROIC_ACT: ["见义勇为", "Heroic act"],
  LOST_PROPERTY_RETURNED: ["拾金不昧", "Lost property returned"],
  HELPING_ELDERLY: ["助老助困", "Helping the elderly"],
  FRAUD_PREVENTED: ["反诈劝阻", "Fraud prevented"],
  DISPUTE_MEDIATED: ["矛盾调解", "Dispute mediated"],
  HAZARD_FOUND: ["隐患发现", "Hazard found"],
  OTHER: ["其他", "Other"],
  SUBMITTED: ["待审核", "Submitted"],
  APPROVED: ["已通过", "Approved"],
  REJECTED: ["已驳回", "Rejected"],
  PATROL_HOURS: ["巡逻时长", "Patrol hours"],
  COMMENDATION: ["表扬", "Commendation"],
  REDEMPTION: ["兑换", "Redemption"],
  ADJUSTMENT: ["调整", "Adjustment"],
  REVERSAL: ["冲正", "Reversal"],
  PATROL_PERSON_SHIFTS: ["巡逻人次", "Patrol person-shifts"],
  PUBLICITY_EVENTS: ["宣传活动", "Publicity events"],
  VENUE: ["场地", "Venue"],
  MONTH: ["每月", "per month"],
  QUARTER: ["每季度", "per quarter"],
  YEAR: ["每年", "per year"],
  DRAFT: ["草稿", "Draft"],
  AWAITING_SIGNATURES: ["待签署", "Awaiting signatures"],
  ACTIVE: ["生效", "Active"],
  EXPIRED: ["已到期", "Expired"],
  TERMINATED: ["已终止", "Terminated"],
  STATION: ["派出所", "Station"],
  PARTNER: ["共建单位", "Partner"],
  ON_TRACK: ["达标", "On track"],
  AT_RISK: ["落后", "At risk"],
  MISSED: ["未完成", "Missed"],
  DRAFTED: ["起草", "Drafted"],
  REVISED: ["修订", "Revised"],
  SIGNED: ["签署", "Signed"],
  ACTIVATED: ["生效", "Activated"],
  VOLUNTEER: ["义警", "Volunteer"],
  LEADER: ["队长", "Leader"],
  OFFICER: ["民警", "Officer"],
  PARTNER_ADMIN: ["共建单位联络人", "Partner admin"],
  ADMIN: ["管理员", "Admin"],
  QR: ["岗点码", "Post code"],
  GPS: ["定位", "GPS"],
};
export const label = (v: string | null | undefined) => (v ? (LABELS[v] ? tr(LABELS[v][0], LABELS[v][1]) : v) : "");
