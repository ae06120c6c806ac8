// 审计日志: services record what they changed, in the same transaction as the change. The summary says
// what changed in words and numbers (msg(): both languages, read in the reader's) and never holds a
// phone, an ID number, a legal name or text people typed.
import { createHmac } from "node:crypto";
import type { Viewer } from "../../auth/viewer.js";
import { config } from "../../config.js";
import { prisma, type Tx } from "../../db.js";
import { localize, msg } from "../../i18n.js";

/** Every action the log records, with its name for people. */
export const AUDIT_ACTIONS = {
  signIn: msg("登录", "Signed in"),
  "signIn.failed": msg("登录失败", "Sign-in failed"),
  "signIn.locked": msg("登录被锁定", "Sign-in locked"),
  "account.activate": msg("激活账号", "Account activated"),
  "account.activate.failed": msg("激活失败", "Activation failed"),
  "account.activate.locked": msg("激活被锁定", "Activation locked"),
  "account.changePassword": msg("修改密码", "Password changed"),
  "account.resetPassword": msg("重置密码", "Password reset"),
  "account.disable": msg("停用账号", "Account disabled"),
  "account.enable": msg("恢复账号", "Account enabled"),
  "account.close": msg("注销账号", "Account closed"),
  "volunteer.register": msg("登记义警", "Volunteer registered"),
  "enrollment.renewCode": msg("重发激活码", "Activation code renewed"),
  "enrollment.cancel": msg("撤销登记", "Registration withdrawn"),
  "enrollment.activate": msg("登记已激活", "Registration activated"),
  "enrollment.accept": msg("接受邀请", "Invitation accepted"),
  "enrollment.accept.failed": msg("接受邀请失败", "Invitation not accepted"),
  "enrollment.accept.locked": msg("接受邀请被锁定", "Accepting locked"),
  "enrollment.decline": msg("拒绝邀请", "Invitation declined"),
  "enrollment.decline.failed": msg("拒绝邀请失败", "Invitation not declined"),
  "enrollment.decline.locked": msg("拒绝邀请被锁定", "Declining locked"),
  "enrollment.erase": msg("删除未激活登记的个人信息", "Stale registrations erased"),
  "volunteer.eraseIdNumber": msg("删除离队义警的身份证号", "Departed volunteers' ID numbers erased"),
  "team.addMember": msg("加入队伍", "Added to a team"),
  "team.setRole": msg("任免队长", "Team role changed"),
  "team.removeMember": msg("移出队伍", "Removed from a team"),
  "squad.addMember": msg("加入小队", "Added to a squad"),
  "squad.removeMember": msg("移出小队", "Removed from a squad"),
  "squad.setLeader": msg("任命小队长", "Squad leader appointed"),
  "points.adjust": msg("调整积分", "Points adjusted"),
  "points.reverse": msg("冲正积分", "Points reversed"),
  "points.rules": msg("修改积分规则", "Points rules changed"),
  "agreement.draft": msg("起草协议", "Agreement drafted"),
  "agreement.revise": msg("修订协议", "Agreement revised"),
  "agreement.sign": msg("签署协议", "Agreement signed"),
  "agreement.terminate": msg("终止协议", "Agreement terminated"),
  "export.hoursCertificate": msg("导出服务时长证明", "Hours certificate exported"),
  "bulletin.publish": msg("发布通知", "Bulletin published"),
  "mobilization.start": msg("发起一键召集", "Call-up started"),
  "mobilization.escalate": msg("召集扩大范围", "Call-up widened"),
  "mobilization.close": msg("结束召集", "Call-up closed"),
  "patrolReport.assign": msg("分派隐患", "Finding assigned"),
  "patrolReport.resolve": msg("办结隐患", "Finding resolved"),
  "patrolReport.refer": msg("移交隐患", "Finding referred"),
  "patrolReport.reject": msg("隐患不予受理", "Finding rejected"),
  "mediator.create": msg("新增调解员", "Mediator added"),
  "mediator.update": msg("修改调解员", "Mediator changed"),
  "mediation.open": msg("受理调解案件", "Mediation case opened"),
  "mediation.close": msg("调解结案", "Mediation case closed"),
  "mediation.erase": msg("删除调解当事人信息", "Mediation parties' data erased"),
  "homeWatch.request": msg("申请长假照看", "Home watch requested"),
  "homeWatch.approve": msg("批准长假照看", "Home watch approved"),
  "homeWatch.decline": msg("不予安排照看", "Home watch declined"),
  "homeWatch.erase": msg("删除照看个人信息", "Home-watch personal data erased"),
  "region.create": msg("新建区域", "Region created"),
  "station.create": msg("新建派出所", "Station created"),
  "station.update": msg("修改派出所", "Station changed"),
  "station.settings": msg("修改派出所设置", "Station settings changed"),
  "community.create": msg("新建社区", "Community created"),
  "grid.create": msg("新建网格", "Grid created"),
  "grid.update": msg("修改网格", "Grid changed"),
  "role.grant": msg("授予角色", "Role granted"),
  "role.code": msg("重发角色账号激活码", "Role account's code renewed"),
  "role.revoke": msg("撤销角色", "Role revoked"),
  "role.offer": msg("任命待确认", "Appointment offered"),
  "role.offer.failed": msg("确认任命失败", "Appointment not confirmed"),
  "role.offer.locked": msg("确认任命被锁定", "Confirming an appointment locked"),
  "role.confirm": msg("确认任命", "Appointment confirmed"),
  "role.offer.withdraw": msg("撤回待确认的任命", "Appointment withdrawn"),
  "invite.create": msg("新建入队邀请", "Invitation created"),
  "invite.revoke": msg("停用入队邀请", "Invitation revoked"),
  "membership.request": msg("申请入队", "Asked to join"),
  "membership.approve": msg("通过入队申请", "Membership approved"),
  "membership.reject": msg("驳回入队申请", "Membership rejected"),
  "volunteer.import": msg("导入义警", "Volunteers imported"),
  "volunteer.status": msg("修改义警状态", "Volunteer status changed"),
  "volunteer.update": msg("修改义警资料", "Volunteer changed"),
  "volunteer.export": msg("导出名册", "Member list exported"),
  "squad.addMembers": msg("批量加入小队", "Added to a squad in bulk"),
  "shift.update": msg("修改班次", "Shift changed"),
  "shift.cancel": msg("取消班次", "Shift cancelled"),
  "reward.create": msg("新增兑换奖品", "Reward added"),
  "reward.update": msg("修改兑换奖品", "Reward changed"),
  "redemption.handOut": msg("发放兑换奖品", "Reward handed out"),
  "goodDeed.approve": msg("通过好人好事", "Good deed approved"),
  "goodDeed.reject": msg("驳回好人好事", "Good deed rejected"),
  "partner.create": msg("新增共建单位", "Partner added"),
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export interface AuditInput {
  /** The acting viewer, or null for the system or an anonymous caller. */
  actor: Pick<Viewer, "accountId"> | null;
  stationId?: string | null;
  action: AuditAction;
  targetType?: string | null;
  targetId?: string | null;
  summary?: string;
  clientAddress?: string | null;
}

export async function recordAudit(db: Tx | typeof prisma, e: AuditInput): Promise<void> {
  await db.auditEntry.create({
    data: {
      actorId: e.actor?.accountId ?? null,
      stationId: e.stationId ?? null,
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      summary: e.summary ?? "",
      clientAddress: e.clientAddress ?? null,
    },
  });
}

/** One entry for each station the change concerns (a person of two stations), or one without a station. */
export async function recordAuditAt(db: Tx | typeof prisma, stationIds: readonly string[], e: Omit<AuditInput, "stationId">): Promise<void> {
  const stations = stationIds.length ? [...new Set(stationIds)] : [null];
  for (const stationId of stations) await recordAudit(db, { ...e, stationId });
}

/**
 * Which fields a change set, by name ("标题、名额"): the summary names what changed, never the text
 * typed. `labels` lists the fields worth naming; others (IDs of the target, scope) are left out.
 */
export function changedFields(input: Record<string, unknown>, labels: Record<string, string>): { zh: string; en: string } {
  const keys = Object.keys(labels).filter((k) => input[k] !== undefined && input[k] !== null);
  return {
    zh: keys.map((k) => localize(labels[k]!, "zh")).join("、") || "无",
    en: keys.map((k) => localize(labels[k]!, "en")).join(", ") || "nothing",
  };
}

/** Who an anonymous attempt aimed at, for the audit log: the account when the phone has one, else a digest. */
export function attemptTarget(account: { id: string } | null, phone: string) {
  return account
    ? { targetType: "Account", targetId: account.id, about: msg("该账号", "This account") }
    : { targetType: null, targetId: null, about: msg(`未注册的手机号（摘要 ${phoneDigest(phone)}）`, `unregistered phone (digest ${phoneDigest(phone)})`) };
}

/**
 * Names a phone without writing it down: a keyed digest (HMAC with AUTH_SECRET), so the same phone
 * reads the same across entries but cannot be recovered by trying every number.
 */
export function phoneDigest(phone: string): string {
  return createHmac("sha256", config.authSecret).update(`audit-phone:${phone}`).digest("hex").slice(0, 16);
}
