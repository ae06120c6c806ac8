// Enum labels, Chinese first and English second. Each table is typed by the enum that codegen derives
// from the API schema, so a value added or renamed there fails the type check here; the lists of
// values the forms offer are the tables' keys, so each enum is spelled once in the web.
import type {
  AgreementEventKind, AgreementSide, AgreementStatus, CheckInMethod, ClaimNoticeReason, ClaimStatus, FulfilmentStatus,
  GoodDeedCategory, GoodDeedStatus, InviteState, MemberRole, MembershipStatus, ObligationKind, ObligationPeriod, PartnerKind, PatrolEventKind,
  PointsReason, RedemptionStatus, Role, ShiftKind, ShiftStatus, Specialty,
} from "../gql/graphql";
import { tr } from "./i18n";

type Table<E extends string> = Readonly<Record<E, readonly [zh: string, en: string]>>;

const tables = {
  AgreementEventKind: { DRAFTED: ["起草", "Drafted"], REVISED: ["修订", "Revised"], SIGNED: ["签署", "Signed"], ACTIVATED: ["生效", "Activated"], EXPIRED: ["到期", "Expired"], TERMINATED: ["终止", "Terminated"] } satisfies Table<AgreementEventKind>,
  AgreementSide: { STATION: ["派出所", "Station"], PARTNER: ["共建单位", "Partner"] } satisfies Table<AgreementSide>,
  AgreementStatus: { DRAFT: ["草稿", "Draft"], AWAITING_SIGNATURES: ["待签署", "Awaiting signatures"], ACTIVE: ["生效", "Active"], EXPIRED: ["已到期", "Expired"], TERMINATED: ["已终止", "Terminated"] } satisfies Table<AgreementStatus>,
  CheckInMethod: { QR: ["岗点码", "Post code"], GPS: ["定位", "GPS"], LEADER: ["队长代签", "By the leader"] } satisfies Table<CheckInMethod>,
  ClaimNoticeReason: { ASSIGNED: ["队长已为你安排班次", "A leader put you on a shift"], PROMOTED: ["候补转正", "Promoted from the waitlist"], REMOVED: ["已被移出班次", "Taken off a shift"], SHIFT_CANCELLED: ["班次已取消", "Shift cancelled"], SHIFT_CHANGED: ["班次时间已变更", "Shift time changed"] } satisfies Table<ClaimNoticeReason>,
  ClaimStatus: { CONFIRMED: ["已确认", "Confirmed"], WAITLISTED: ["候补", "Waitlisted"], CANCELLED: ["已取消", "Cancelled"], COMPLETED: ["已完成", "Completed"], NO_SHOW: ["缺勤", "No-show"] } satisfies Table<ClaimStatus>,
  FulfilmentStatus: { ON_TRACK: ["达标", "On track"], AT_RISK: ["落后", "At risk"], MISSED: ["未完成", "Missed"] } satisfies Table<FulfilmentStatus>,
  GoodDeedCategory: { HEROIC_ACT: ["见义勇为", "Heroic act"], LOST_PROPERTY_RETURNED: ["拾金不昧", "Lost property returned"], HELPING_ELDERLY: ["助老助困", "Helping the elderly"], FRAUD_PREVENTED: ["反诈劝阻", "Fraud prevented"], DISPUTE_MEDIATED: ["矛盾调解", "Dispute mediated"], HAZARD_FOUND: ["隐患发现", "Hazard found"], OTHER: ["其他", "Other"] } satisfies Table<GoodDeedCategory>,
  GoodDeedStatus: { SUBMITTED: ["待审核", "Submitted"], APPROVED: ["已通过", "Approved"], REJECTED: ["已驳回", "Rejected"] } satisfies Table<GoodDeedStatus>,
  InviteState: { OPEN: ["可用", "Open"], EXPIRED: ["已过期", "Expired"], USED_UP: ["已用完", "Used up"], REVOKED: ["已撤销", "Revoked"] } satisfies Table<InviteState>,
  MembershipStatus: { PENDING: ["待审核", "Pending"], ACTIVE: ["在队", "Active"], SUSPENDED: ["暂停", "Suspended"], LEFT: ["已退出", "Left"] } satisfies Table<MembershipStatus>,
  MemberRole: { LEADER: ["队长", "Leader"], MEMBER: ["队员", "Member"] } satisfies Table<MemberRole>,
  ObligationKind: { PATROL_PERSON_SHIFTS: ["巡逻人次", "Patrol person-shifts"], PATROL_HOURS: ["巡逻时长", "Patrol hours"], PUBLICITY_EVENTS: ["宣传活动", "Publicity events"], VENUE: ["场地", "Venue"], OTHER: ["其他", "Other"] } satisfies Table<ObligationKind>,
  ObligationPeriod: { MONTH: ["每月", "per month"], QUARTER: ["每季度", "per quarter"], YEAR: ["每年", "per year"] } satisfies Table<ObligationPeriod>,
  PartnerKind: { PROPERTY_MANAGEMENT: ["物业", "Property management"], SCHOOL: ["学校", "School"], HOSPITAL: ["医院", "Hospital"], ENTERPRISE: ["企业", "Enterprise"], GOVERNMENT: ["机关单位", "Government"], LAW_FIRM: ["律师事务所", "Law firm"], SOCIAL_ORGANIZATION: ["社会组织", "Social organization"], OTHER: ["其他", "Other"] } satisfies Table<PartnerKind>,
  PatrolEventKind: { CHECKED_IN: ["签到", "Checked in"], CHECKED_OUT: ["签退", "Checked out"], NO_SHOW: ["缺勤", "No-show"] } satisfies Table<PatrolEventKind>,
  PointsReason: { PATROL_HOURS: ["巡逻时长", "Patrol hours"], COMMENDATION: ["表扬", "Commendation"], REDEMPTION: ["兑换", "Redemption"], ADJUSTMENT: ["民警调整", "Adjustment"], REVERSAL: ["冲正", "Reversal"] } satisfies Table<PointsReason>,
  RedemptionStatus: { PENDING: ["待领取", "To collect"], HANDED_OUT: ["已发放", "Handed out"] } satisfies Table<RedemptionStatus>,
  Role: { VOLUNTEER: ["义警", "Volunteer"], LEADER: ["队长", "Leader"], OFFICER: ["社区民警", "Officer"], PARTNER_ADMIN: ["共建单位联络人", "Partner admin"], ADMIN: ["平台管理员", "Admin"], REGION_ADMIN: ["市县局管理员", "Region admin"] } satisfies Table<Role>,
  ShiftKind: { PATROL: ["巡逻", "Patrol"], NIGHT_PATROL: ["夜巡", "Night patrol"], PUBLICITY: ["宣传", "Publicity"], EVENT_SECURITY: ["活动安保", "Event security"], HOME_WATCH: ["长假照看", "Home watch"] } satisfies Table<ShiftKind>,
  ShiftStatus: { OPEN: ["开放", "Open"], CANCELLED: ["已取消", "Cancelled"], DONE: ["已结束", "Done"] } satisfies Table<ShiftStatus>,
  Specialty: { MEDICAL_GUARD: ["医疗守护", "Medical"], HIGH_RISE: ["高层楼宇", "High-rise"], CAMPUS_SECURITY: ["校园安保", "Campus"], COMMUNITY_GRID: ["社区网格", "Community grid"], ANTI_FRAUD: ["反诈宣传", "Anti-fraud"], MEDIATION: ["矛盾调解", "Mediation"], NIGHT_PATROL: ["夜巡", "Night patrol"], TRAFFIC: ["交通", "Traffic"] } satisfies Table<Specialty>,
} as const;

export type EnumName = keyof typeof tables;
type ValueOf<N extends EnumName> = keyof (typeof tables)[N] & string;

/** The label of an enum value in the chosen language: `label("ShiftKind", "PATROL")` → 巡逻. */
export function label<N extends EnumName>(name: N, value: ValueOf<N> | null | undefined): string {
  if (!value) return "";
  const pair = (tables[name] as Table<string>)[value];
  return pair ? tr(pair[0], pair[1]) : value;
}

/** The values of an enum in the order of its table, for selects. */
export function values<N extends EnumName>(name: N): ValueOf<N>[] {
  return Object.keys(tables[name]) as ValueOf<N>[];
}

/** Both languages, for a test or a printout: ["巡逻", "Patrol"]. */
export function labels<N extends EnumName>(name: N, value: ValueOf<N>): readonly [string, string] {
  return (tables[name] as Table<string>)[value]!;
}

/** The tone of a status badge. */
export type Tone = "ok" | "warn" | "bad" | undefined;
const TONES: Record<string, Tone> = {
  CONFIRMED: "ok", COMPLETED: "ok", ACTIVE: "ok", APPROVED: "ok", ON_TRACK: "ok", CHECKED_IN: "ok", CHECKED_OUT: "ok", HANDED_OUT: "ok",
  WAITLISTED: "warn", AWAITING_SIGNATURES: "warn", SUBMITTED: "warn", AT_RISK: "warn", DRAFT: "warn", PENDING: "warn",
  CANCELLED: "bad", NO_SHOW: "bad", REJECTED: "bad", MISSED: "bad", TERMINATED: "bad", EXPIRED: "bad",
};
export const toneOf = (status: string | null | undefined): Tone => (status ? TONES[status] : undefined);
