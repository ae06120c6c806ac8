// Enum labels, Chinese first and English second. Each table is typed by the enum that codegen derives
// from the API schema, so a value added or renamed there fails the type check here; the lists of
// values the forms offer are the tables' keys, so each enum is spelled once in the web.
import type {
  AccountState, AgreementEventKind, AgreementSide, AgreementStatus, BulletinCategory, CaseAgeBucket, CheckInMethod, ClaimBlocker, ClaimStatus, FulfilmentStatus,
  GoodDeedCategory, GoodDeedStatus, HomeWatchResult, HomeWatchStatus, InviteState, MediationField, MediationOutcome, MediationPartyRole,
  MediationSource, MediationStatus, MemberRole, MembershipStatus, MobilizationOutcome, MobilizationResponse, MobilizationStatus, NotificationKind,
  ObligationKind, ObligationPeriod, PartnerKind, PatrolEventKind, PatrolReportAssigneeKind, PatrolReportCategory, PatrolReportEventKind,
  PatrolReportStatus, PointsReason, RedemptionStatus, Role, ShiftKind, ShiftStatus, SmsStatus, Specialty,
} from "../gql/graphql";
import { tr } from "./i18n";

type Table<E extends string> = Readonly<Record<E, readonly [zh: string, en: string]>>;

const tables = {
  AccountState: { ACTIVE: ["正常", "Active"], NOT_ACTIVATED: ["待激活", "Not activated"], DISABLED: ["已停用", "Disabled"], NONE: ["无账号", "No account"] } satisfies Table<AccountState>,
  AgreementEventKind: { DRAFTED: ["起草", "Drafted"], REVISED: ["修订", "Revised"], SIGNED: ["签署", "Signed"], ACTIVATED: ["生效", "Activated"], EXPIRED: ["到期", "Expired"], TERMINATED: ["终止", "Terminated"] } satisfies Table<AgreementEventKind>,
  AgreementSide: { STATION: ["派出所", "Station"], PARTNER: ["共建单位", "Partner"] } satisfies Table<AgreementSide>,
  AgreementStatus: { DRAFT: ["草稿", "Draft"], AWAITING_SIGNATURES: ["待签署", "Awaiting signatures"], SCHEDULED: ["已签署·待生效", "Signed, not yet in effect"], ACTIVE: ["生效", "Active"], EXPIRED: ["已到期", "Expired"], TERMINATED: ["已终止", "Terminated"] } satisfies Table<AgreementStatus>,
  ClaimBlocker: { ALREADY_CLAIMED: ["已认领或在候补中", "Already claimed"], NOT_A_VOLUNTEER: ["仅义警可认领", "Only volunteers claim"], NOT_IN_SQUAD: ["仅本小队队员可认领", "Only for this squad's members"], NOT_IN_TEAM: ["不是本队队员", "Not your team"], NOT_OPEN: ["班次已取消或结束", "Cancelled or over"], OVERLAPS: ["与你已确认的班次时间冲突", "Overlaps a shift you have"], SPECIALTY_MISSING: ["需要相应专长", "Needs a specialty you lack"], STARTED: ["班次已开始", "Already started"] } satisfies Table<ClaimBlocker>,
  CheckInMethod: { QR: ["岗点码", "Post code"], GPS: ["定位", "GPS"], LEADER: ["队长代签", "By the leader"] } satisfies Table<CheckInMethod>,
  BulletinCategory: { CASE_ALERT: ["警情提醒", "Case alert"], FRAUD_WARNING: ["反诈预警", "Fraud warning"], WEATHER: ["天气灾害", "Weather"], TRAFFIC: ["交通出行", "Traffic"], EVENT: ["活动通知", "Event"], NOTICE: ["一般通知", "Notice"] } satisfies Table<BulletinCategory>,
  ClaimStatus: { CONFIRMED: ["已确认", "Confirmed"], WAITLISTED: ["候补", "Waitlisted"], CANCELLED: ["已取消", "Cancelled"], COMPLETED: ["已完成", "Completed"], NO_SHOW: ["缺勤", "No-show"] } satisfies Table<ClaimStatus>,
  FulfilmentStatus: { ON_TRACK: ["达标", "On track"], AT_RISK: ["落后", "At risk"], MISSED: ["未完成", "Missed"] } satisfies Table<FulfilmentStatus>,
  GoodDeedCategory: { HEROIC_ACT: ["见义勇为", "Heroic act"], LOST_PROPERTY_RETURNED: ["拾金不昧", "Lost property returned"], HELPING_ELDERLY: ["助老助困", "Helping the elderly"], FRAUD_PREVENTED: ["反诈劝阻", "Fraud prevented"], DISPUTE_MEDIATED: ["矛盾调解", "Dispute mediated"], HAZARD_FOUND: ["隐患发现", "Hazard found"], OTHER: ["其他", "Other"] } satisfies Table<GoodDeedCategory>,
  GoodDeedStatus: { SUBMITTED: ["待审核", "Submitted"], APPROVED: ["已通过", "Approved"], REJECTED: ["已驳回", "Rejected"] } satisfies Table<GoodDeedStatus>,
  InviteState: { OPEN: ["可用", "Open"], EXPIRED: ["已过期", "Expired"], USED_UP: ["已用完", "Used up"], REVOKED: ["已撤销", "Revoked"] } satisfies Table<InviteState>,
  MembershipStatus: { PENDING: ["待审核", "Pending"], ACTIVE: ["在队", "Active"], SUSPENDED: ["暂停", "Suspended"], LEFT: ["已退出", "Left"] } satisfies Table<MembershipStatus>,
  MobilizationOutcome: { RESOLVED: ["已处置", "Resolved"], STOOD_DOWN: ["解除召集", "Stood down"], CANCELLED: ["撤销（不计时长）", "Cancelled (no hours)"] } satisfies Table<MobilizationOutcome>,
  MobilizationResponse: { PENDING: ["未回复", "No answer"], ACCEPTED: ["前往", "Coming"], DECLINED: ["无法前往", "Declined"] } satisfies Table<MobilizationResponse>,
  MobilizationStatus: { OPEN: ["召集中", "Open"], CLOSED: ["已结束", "Closed"] } satisfies Table<MobilizationStatus>,
  NotificationKind: {
    WAITLIST_PROMOTED: ["候补转正", "Promoted from the waitlist"], SHIFT_REMINDER: ["班次提醒", "Shift reminder"], SHIFT_CANCELLED: ["班次取消", "Shift cancelled"],
    SHIFT_CHANGED: ["班次变更", "Shift changed"], SHIFT_ASSIGNED: ["被安排班次", "Assigned to a shift"], SHIFT_REMOVED: ["被移出班次", "Taken off a shift"],
    GOOD_DEED_APPROVED: ["好人好事通过", "Good deed approved"], GOOD_DEED_REJECTED: ["好人好事未通过", "Good deed rejected"], BOARD_PUBLISHED: ["表扬榜发布", "Board published"],
    BULLETIN: ["警情提醒", "Bulletin"], MOBILIZATION: ["一键召集", "Call-up"], MOBILIZATION_CLOSED: ["召集结束", "Call-up closed"], AGREEMENT_TO_SIGN: ["协议待签署", "Agreement to sign"],
    MEMBERSHIP_REQUESTED: ["入队申请", "Asked to join"], MEMBERSHIP_APPROVED: ["入队通过", "Membership approved"], MEMBERSHIP_REJECTED: ["入队未通过", "Membership rejected"],
    MEMBERSHIP_STATUS_CHANGED: ["队员状态变更", "Membership status changed"], ENROLLMENT: ["登记邀请", "Enrollment"],
    PATROL_REPORT_UPDATED: ["巡防上报进展", "Patrol report updated"], PATROL_REPORT_ASSIGNED: ["隐患待处理", "Finding to handle"],
    HOME_WATCH_REQUESTED: ["长假照看申请", "Home-watch request"], HOME_WATCH_PROBLEM: ["看家护院问题", "Home watch problem"], MEDIATION_ASSIGNED: ["调解案件指派", "Mediation case assigned"], OTHER: ["其他", "Other"],
  } satisfies Table<NotificationKind>,
  MemberRole: { LEADER: ["队长", "Leader"], MEMBER: ["队员", "Member"] } satisfies Table<MemberRole>,
  ObligationKind: { PATROL_PERSON_SHIFTS: ["巡逻人次", "Patrol person-shifts"], PATROL_HOURS: ["巡逻时长", "Patrol hours"], PUBLICITY_EVENTS: ["宣传活动", "Publicity events"], VENUE: ["场地", "Venue"], OTHER: ["其他", "Other"] } satisfies Table<ObligationKind>,
  ObligationPeriod: { MONTH: ["每月", "per month"], QUARTER: ["每季度", "per quarter"], YEAR: ["每年", "per year"] } satisfies Table<ObligationPeriod>,
  PartnerKind: { PROPERTY_MANAGEMENT: ["物业", "Property management"], SCHOOL: ["学校", "School"], HOSPITAL: ["医院", "Hospital"], ENTERPRISE: ["企业", "Enterprise"], GOVERNMENT: ["机关单位", "Government"], LAW_FIRM: ["律师事务所", "Law firm"], SOCIAL_ORGANIZATION: ["社会组织", "Social organization"], OTHER: ["其他", "Other"] } satisfies Table<PartnerKind>,
  PatrolEventKind: { CHECKED_IN: ["签到", "Checked in"], CHECKED_OUT: ["签退", "Checked out"], NO_SHOW: ["缺勤", "No-show"] } satisfies Table<PatrolEventKind>,
  PointsReason: { PATROL_HOURS: ["巡逻时长", "Patrol hours"], COMMENDATION: ["表扬", "Commendation"], REDEMPTION: ["兑换", "Redemption"], ADJUSTMENT: ["民警调整", "Adjustment"], REVERSAL: ["冲正", "Reversal"], MOBILIZATION: ["一键召集响应", "Call-up response"] } satisfies Table<PointsReason>,
  RedemptionStatus: { PENDING: ["待领取", "To collect"], HANDED_OUT: ["已发放", "Handed out"] } satisfies Table<RedemptionStatus>,
  Role: { VOLUNTEER: ["义警", "Volunteer"], LEADER: ["队长", "Leader"], OFFICER: ["社区民警", "Officer"], PARTNER_ADMIN: ["共建单位联络人", "Partner admin"], ADMIN: ["平台管理员", "Admin"], REGION_ADMIN: ["市县局管理员", "Region admin"] } satisfies Table<Role>,
  ShiftKind: { PATROL: ["巡逻", "Patrol"], NIGHT_PATROL: ["夜巡", "Night patrol"], PUBLICITY: ["宣传", "Publicity"], EVENT_SECURITY: ["活动安保", "Event security"], HOME_WATCH: ["长假照看", "Home watch"] } satisfies Table<ShiftKind>,
  ShiftStatus: { OPEN: ["开放", "Open"], CANCELLED: ["已取消", "Cancelled"], DONE: ["已结束", "Done"] } satisfies Table<ShiftStatus>,
  PatrolReportCategory: { FIRE_HAZARD: ["消防隐患", "Fire hazard"], PUBLIC_SECURITY: ["治安隐患", "Public security"], TRAFFIC_HAZARD: ["交通隐患", "Traffic hazard"], ENVIRONMENT: ["环境秩序", "Environment and order"], SUSPICIOUS: ["可疑情况", "Suspicious"], DISPUTE: ["矛盾纠纷", "Dispute"], OTHER: ["其他", "Other"] } satisfies Table<PatrolReportCategory>,
  PatrolReportStatus: { NEW: ["待分派", "New"], ASSIGNED: ["处理中", "Assigned"], RESOLVED: ["已办结", "Resolved"], REFERRED: ["已移交", "Referred"], REJECTED: ["不予受理", "Rejected"] } satisfies Table<PatrolReportStatus>,
  PatrolReportEventKind: { SUBMITTED: ["上报", "Reported"], ASSIGNED: ["分派", "Assigned"], RESOLVED: ["办结", "Resolved"], REFERRED: ["移交", "Referred"], REJECTED: ["不予受理", "Rejected"] } satisfies Table<PatrolReportEventKind>,
  PatrolReportAssigneeKind: { OFFICER: ["民警", "Officer"], TEAM: ["队伍", "Team"], PARTNER: ["共建单位", "Partner"] } satisfies Table<PatrolReportAssigneeKind>,
  MediationField: { NEIGHBOUR: ["邻里纠纷", "Neighbours"], FAMILY: ["婚姻家庭", "Marriage and family"], LABOUR: ["劳资纠纷", "Labour"], PROPERTY: ["物业纠纷", "Property management"], CONSUMER: ["消费纠纷", "Consumer"], TRAFFIC: ["交通事故", "Traffic accident"], OTHER: ["其他", "Other"] } satisfies Table<MediationField>,
  MediationSource: { RESIDENT: ["群众来访", "Resident"], PATROL: ["巡逻发现", "Patrol"], POLICE: ["警情转办", "Police call"], COMMUNITY: ["社区网格", "Community"], OTHER: ["其他", "Other"] } satisfies Table<MediationSource>,
  MediationStatus: { OPEN: ["调解中", "Open"], CLOSED: ["已结案", "Closed"] } satisfies Table<MediationStatus>,
  MediationOutcome: { SETTLED: ["调解成功", "Settled"], FAILED: ["调解不成", "Not settled"], JUDICIAL_CONFIRMATION: ["转司法确认", "Judicial confirmation"], REFERRED: ["转其他部门", "Referred"] } satisfies Table<MediationOutcome>,
  MediationPartyRole: { APPLICANT: ["申请人", "Applicant"], RESPONDENT: ["被申请人", "Respondent"], OTHER: ["其他当事人", "Other party"] } satisfies Table<MediationPartyRole>,
  CaseAgeBucket: { WITHIN_7_DAYS: ["7天内", "Up to 7 days"], WITHIN_30_DAYS: ["8–30天", "8–30 days"], WITHIN_90_DAYS: ["31–90天", "31–90 days"], OVER_90_DAYS: ["90天以上", "Over 90 days"] } satisfies Table<CaseAgeBucket>,
  HomeWatchStatus: { PENDING: ["待审批", "Pending"], APPROVED: ["已安排照看", "Approved"], DECLINED: ["未能安排", "Declined"] } satisfies Table<HomeWatchStatus>,
  HomeWatchResult: { ALL_FINE: ["一切正常", "All fine"], PROBLEM: ["发现问题", "Problem"] } satisfies Table<HomeWatchResult>,
  SmsStatus: { PENDING: ["短信待发", "SMS pending"], SENDING: ["短信发送中", "SMS sending"], SENT: ["短信已发", "SMS sent"], FAILED: ["短信失败", "SMS failed"], OVER_BUDGET: ["超出短信额度", "Over SMS budget"] } satisfies Table<SmsStatus>,
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
  WAITLISTED: "warn", AWAITING_SIGNATURES: "warn", SCHEDULED: "warn", SUBMITTED: "warn", AT_RISK: "warn", DRAFT: "warn", PENDING: "warn",
  CANCELLED: "bad", NO_SHOW: "bad", REJECTED: "bad", MISSED: "bad", TERMINATED: "bad", EXPIRED: "bad",
  // Casework
  NEW: "warn", ASSIGNED: "warn", RESOLVED: "ok", SETTLED: "ok", JUDICIAL_CONFIRMATION: "ok", ALL_FINE: "ok", FAILED: "bad", DECLINED: "bad", PROBLEM: "bad",
};
export const toneOf = (status: string | null | undefined): Tone => (status ? TONES[status] : undefined);
