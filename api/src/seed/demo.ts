// Demo data drawn from the source reports (府山派出所 "好邻舍" and 长庆派出所 吴牙社区).
// Idempotent: does nothing when the demo stations exist. Only main.ts calls it, in demo mode.
import { hashPassword } from "../auth/passwords.js";
import { prisma } from "../db.js";
import type { Specialty } from "../generated/prisma/client.js";
import { canonicalText, sha256 } from "../modules/partner/agreement.service.js";

export const DEMO_PASSWORD = "linshe-demo";
export const DEMO_PHONES = {
  fushanOfficer: "13800000001",
  haolinsheLeader: "13800000002",
  partnerAdmin: "13800000003",
  changqingOfficer: "13800000004",
  firstVolunteer: "13800000101",
  volunteerCount: 200,
};

const SQUADS: [string, Specialty, string][] = [
  ["医疗守护", "MEDICAL_GUARD", "医护人员为主，突发疾病先期救护"],
  ["高层楼宇", "HIGH_RISE", "高层住宅消防通道与电动车入户巡查"],
  ["校园安保", "CAMPUS_SECURITY", "上下学高峰护学岗"],
  ["社区网格", "COMMUNITY_GRID", "网格巡防、走访与隐患排查"],
  ["反诈宣传", "ANTI_FRAUD", "反诈进社区、进商户"],
  ["矛盾调解", "MEDIATION", "邻里纠纷调解"],
  ["警民夜巡", "NIGHT_PATROL", "与社区民警共同夜巡"],
  ["交通劝导", "TRAFFIC", "路口文明交通劝导"],
  ["法律服务", "MEDIATION", "律师志愿者提供法律咨询"],
  ["物业联防", "HIGH_RISE", "物业保安与义警联防"],
];

const SURNAMES = [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"];
const GIVEN = [..."伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏海燕云飞雪梅新民晓东春生文斌荣欣怡佳琪子涵浩然思远立"];

/** Deterministic realistic names: the same seed run twice gives the same people. */
function personName(i: number): string {
  const s = SURNAMES[(i * 7 + 3) % SURNAMES.length]!;
  const g1 = GIVEN[(i * 13 + 5) % GIVEN.length]!;
  const g2 = GIVEN[(i * 29 + 11) % GIVEN.length]!;
  return i % 3 === 0 ? s + g1 : s + g1 + g2;
}

const SKILLS = ["急救证", "心理疏导", "法律咨询", "电工", "驾驶", "摄影", "外语", "无人机"];

export async function seedDemo(log: (m: string) => void = console.log): Promise<boolean> {
  if (await prisma.station.findUnique({ where: { name: "府山派出所" } })) return false;
  // All demo accounts share the demo password; one hash keeps start-up fast.
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  await prisma.$transaction(
    async (tx) => {
      const fushan = await tx.station.create({
        data: { name: "府山派出所", city: "绍兴市", district: "越城区", address: "越城区府山街道（台门里的派出所）" },
      });
      const changqing = await tx.station.create({
        data: { name: "长庆派出所", city: "杭州市", district: "拱墅区", address: "庆春路沿线" },
      });

      // 府山: three communities with grids near 府山.
      const fushanCommunities = [
        ["府山社区", 30.0023, 120.5772],
        ["仓桥社区", 29.9991, 120.5811],
        ["戴山社区", 30.0068, 120.5733],
      ] as const;
      for (const [name, lat, lng] of fushanCommunities) {
        await tx.community.create({
          data: {
            stationId: fushan.id,
            name,
            grids: {
              create: [1, 2].map((n) => ({
                stationId: fushan.id,
                name: `${name}第${n}网格`,
                latitude: lat + n * 0.001,
                longitude: lng + n * 0.001,
              })),
            },
          },
        });
      }
      // 长庆: six communities; 吴牙社区 split into three grids with a patrol plan.
      for (const name of ["吴牙社区", "御跸社区", "长寿桥社区", "柳营社区", "贡院社区", "青年路社区"]) {
        const community = await tx.community.create({ data: { stationId: changqing.id, name } });
        if (name === "吴牙社区") {
          await tx.grid.createMany({
            data: ["一", "二", "三"].map((n, i) => ({
              stationId: changqing.id,
              communityId: community.id,
              name: `吴牙社区第${n}网格`,
              latitude: 30.2652 + i * 0.0012,
              longitude: 120.1751 + i * 0.0011,
              patrolPlan: "安全巡防图：居民楼、道路、出入口、周边单位；分时段巡防改为全天候",
            })),
          });
        }
      }

      const haolinshe = await tx.team.create({
        data: { stationId: fushan.id, name: "好邻舍义警", description: "2016年成立，警民协作开展邻里守望相助" },
      });
      const squads = await tx.squad.createManyAndReturn({
        data: SQUADS.map(([name, specialty, description]) => ({ teamId: haolinshe.id, name, specialty, description })),
      });
      const committee = await tx.team.create({
        data: { stationId: changqing.id, name: "吴牙社区安全委员会", description: "2017年初成立，15名委员，成文职责分工" },
      });

      const partners = await tx.partner.createManyAndReturn({
        data: [
          { stationId: fushan.id, name: "府山物业联合会", kind: "PROPERTY_MANAGEMENT", contactName: "陈建国", contactPhone: "0575-85000001" },
          { stationId: fushan.id, name: "越州律师事务所", kind: "LAW_FIRM", contactName: "沈立", contactPhone: "0575-85000002" },
          { stationId: fushan.id, name: "越城区中医院", kind: "HOSPITAL", contactName: "许晓燕", contactPhone: "0575-85000003" },
          { stationId: fushan.id, name: "府山中学", kind: "SCHOOL", contactName: "钱思远", contactPhone: "0575-85000004" },
          { stationId: changqing.id, name: "庆春路商户联盟", kind: "ENTERPRISE", contactName: "周志良", contactPhone: "0571-87000001" },
        ],
      });
      const propertyPartner = partners.find((p) => p.name === "府山物业联合会")!;

      // Team leader of 好邻舍义警 (also a volunteer).
      const leader = await tx.volunteer.create({
        data: {
          name: "吴荣根",
          displayName: "老吴",
          phone: DEMO_PHONES.haolinsheLeader,
          idNumber: "330602196505120031",
          specialties: ["NIGHT_PATROL", "MEDIATION"],
          skills: ["调解"],
          teams: { create: { teamId: haolinshe.id, role: "LEADER" } },
        },
      });

      // 200 volunteers, spread across the squads; the first of each squad leads it.
      const volunteers = await tx.volunteer.createManyAndReturn({
        data: Array.from({ length: DEMO_PHONES.volunteerCount }, (_, i) => {
          const squad = SQUADS[i % SQUADS.length]!;
          const name = personName(i);
          return {
            name,
            displayName: `${name.slice(0, 1)}${i % 2 ? "师傅" : "老师"}${i + 1}`,
            phone: String(Number(DEMO_PHONES.firstVolunteer) + i),
            idNumber: `3306021980${String((i % 12) + 1).padStart(2, "0")}${String((i % 28) + 1).padStart(2, "0")}${String(100 + i).slice(-3)}${i % 10}`,
            specialties: [squad[1]],
            skills: [SKILLS[i % SKILLS.length]!],
            partnerId: i % 10 === 9 ? propertyPartner.id : null,
          };
        }),
      });
      await tx.teamMembership.createMany({
        data: volunteers.map((v) => ({ teamId: haolinshe.id, volunteerId: v.id })),
      });
      await tx.squadMembership.createMany({
        data: volunteers.map((v, i) => ({
          squadId: squads[i % squads.length]!.id,
          volunteerId: v.id,
          role: i < squads.length ? ("LEADER" as const) : ("MEMBER" as const),
        })),
      });

      // 安全委员会: 15 members drawn from residents and units (周志良 "老周" among them).
      const committeeMembers = await tx.volunteer.createManyAndReturn({
        data: Array.from({ length: 15 }, (_, i) => ({
          name: i === 0 ? "周志良" : personName(500 + i),
          displayName: i === 0 ? "老周" : `${personName(500 + i).slice(0, 1)}委员`,
          phone: String(13900000001 + i),
          specialties: ["COMMUNITY_GRID" as const],
          skills: [],
        })),
      });
      await tx.teamMembership.createMany({
        data: committeeMembers.map((v, i) => ({ teamId: committee.id, volunteerId: v.id, role: i === 0 ? ("LEADER" as const) : ("MEMBER" as const) })),
      });

      const accounts = await tx.account.createManyAndReturn({
        data: [
          { phone: DEMO_PHONES.fushanOfficer, passwordHash },
          { phone: DEMO_PHONES.haolinsheLeader, passwordHash, volunteerId: leader.id },
          { phone: DEMO_PHONES.partnerAdmin, passwordHash },
          { phone: DEMO_PHONES.changqingOfficer, passwordHash },
          ...volunteers.map((v) => ({ phone: v.phone, passwordHash, volunteerId: v.id })),
          ...committeeMembers.map((v) => ({ phone: v.phone, passwordHash, volunteerId: v.id })),
        ],
      });
      const byPhone = new Map(accounts.map((a) => [a.phone, a.id]));

      // A week of shifts from tomorrow: nightly joint patrols, campus guard mornings, an anti-fraud talk.
      const grids = await tx.grid.findMany({ where: { stationId: fushan.id }, orderBy: { name: "asc" } });
      // 常驻网格: the volunteers live spread over 府山's grids (call-ups measure distance from them).
      for (const [g, grid] of grids.entries()) {
        await tx.volunteer.updateMany({ where: { id: { in: volunteers.filter((_, i) => i % grids.length === g).map((v) => v.id) } }, data: { homeGridId: grid.id } });
      }
      const squadBy = (name: string) => squads.find((q) => q.name === name)!;
      const dayStart = Math.floor((Date.now() + 8 * 3600_000) / 86_400_000) * 86_400_000 - 8 * 3600_000; // today 00:00 Shanghai
      const at = (day: number, hour: number) => new Date(dayStart + day * 86_400_000 + hour * 3600_000);
      const shiftRows = [];
      for (let d = 1; d <= 7; d++) {
        shiftRows.push({
          kind: "NIGHT_PATROL" as const, title: "警民夜巡", place: grids[d % grids.length]!.name, route: "府山公园—仓桥直街—越王台",
          startsAt: at(d, 19), endsAt: at(d, 21), capacity: 8, squadId: squadBy("警民夜巡").id, gridId: grids[d % grids.length]!.id,
        });
        shiftRows.push({
          kind: "PATROL" as const, title: "护学岗", place: "府山中学校门口", route: "",
          startsAt: at(d, 7), endsAt: at(d, 8), capacity: 4, squadId: squadBy("校园安保").id, gridId: grids[0]!.id,
        });
      }
      shiftRows.push({
        kind: "PUBLICITY" as const, title: "反诈进社区宣讲", place: "府山社区文化家园", route: "",
        startsAt: at(3, 14), endsAt: at(3, 16), capacity: 12, squadId: null, gridId: grids[0]!.id,
      });
      // Good deeds approved into commendations and a published 表扬榜, rewards to redeem.
      const officerId = byPhone.get(DEMO_PHONES.fushanOfficer)!;
      const deeds = [
        [0, "HELPING_ELDERLY", "护送走失老人回家", "夜巡中发现一位迷路的老人，联系社区网格员后护送其回家。"],
        [11, "FRAUD_PREVENTED", "劝阻一起冒充客服诈骗", "在银行门口劝阻一位正要转账的阿姨，避免损失5万元。"],
        [22, "LOST_PROPERTY_RETURNED", "拾金不昧", "在府山公园拾到钱包，内有现金和证件，交还失主。"],
        [0, "HAZARD_FOUND", "发现楼道电动车充电隐患", "巡查高层楼宇时发现楼道违规充电，及时劝导整改。"],
        [33, "DISPUTE_MEDIATED", "调解邻里噪音纠纷", "耐心调解楼上楼下噪音矛盾，双方握手言和。"],
      ] as const;
      const commendationIds: string[] = [];
      for (const [i, [who, category, title, story]] of deeds.entries()) {
        const v = volunteers[who]!;
        const squad = squads[who % squads.length]!;
        const deed = await tx.goodDeed.create({
          data: {
            stationId: fushan.id, teamId: haolinshe.id, squadId: squad.id, volunteerId: v.id, category, title, story,
            occurredAt: at(-10 + i, 20), place: "府山街道", status: "APPROVED", submittedById: byPhone.get(DEMO_PHONES.haolinsheLeader)!,
            reviewedById: officerId, reviewedAt: at(-8 + i, 10), pointsAwarded: 50,
          },
        });
        const c = await tx.commendation.create({
          data: { goodDeedId: deed.id, stationId: fushan.id, teamId: haolinshe.id, volunteerId: v.id, approvedAt: at(-8 + i, 10) },
        });
        commendationIds.push(c.id);
        await tx.pointsEntry.create({
          data: { volunteerId: v.id, stationId: fushan.id, amount: 50, reason: "COMMENDATION", note: title, source: `deed:${deed.id}`, createdById: officerId },
        });
      }
      const month = new Date(at(0, 12).getTime() + 8 * 3600_000);
      await tx.boardEdition.create({
        data: {
          stationId: fushan.id, teamId: haolinshe.id, title: `${month.getUTCFullYear()}年${month.getUTCMonth() + 1}月 好邻舍表扬榜`,
          publishedById: byPhone.get(DEMO_PHONES.haolinsheLeader)!, publishedAt: at(-1, 9),
          entries: { create: commendationIds.map((commendationId, position) => ({ commendationId, position })) },
        },
      });
      await tx.reward.createMany({
        data: [
          { stationId: fushan.id, name: "反诈宣传帆布袋", description: "印有“好邻舍”标志", cost: 30, stock: 100 },
          { stationId: fushan.id, name: "定制保温杯", description: "夜巡暖手", cost: 80, stock: 40 },
          { stationId: fushan.id, name: "荣誉义警证书", description: "年度表彰", cost: 300, stock: 20 },
        ],
      });

      // 契约化共建: an active agreement with the property federation, and next year's awaiting its signature.
      const partnerAdminId = byPhone.get(DEMO_PHONES.partnerAdmin)!;
      const obligations = [
        { kind: "PATROL_PERSON_SHIFTS" as const, quantity: 8, period: "MONTH" as const, description: "每月派出巡逻8人次" },
        { kind: "PATROL_HOURS" as const, quantity: 16, period: "MONTH" as const, description: "每月巡逻16小时" },
        { kind: "PUBLICITY_EVENTS" as const, quantity: 1, period: "QUARTER" as const, description: "每季度反诈宣传1场" },
        { kind: "VENUE" as const, quantity: 1, period: "YEAR" as const, description: "提供物业活动室作为警务服务点" },
      ];
      const year = new Date(at(0, 12).getTime() + 8 * 3600_000).getUTCFullYear();
      const agreementSpecs = [
        { version: 1, title: `${year}年度 府山派出所—府山物业联合会 契约化共建协议`, from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1), signed: ["STATION", "PARTNER"] as const },
        { version: 1, title: `${year + 1}年度 契约化共建协议（续签）`, from: Date.UTC(year + 1, 0, 1), to: Date.UTC(year + 2, 0, 1), signed: ["STATION"] as const },
      ];
      for (const spec of agreementSpecs) {
        const effectiveFrom = new Date(spec.from - 8 * 3600_000);
        const effectiveTo = new Date(spec.to - 8 * 3600_000);
        const both = spec.signed.length === 2;
        const a = await tx.agreement.create({
          data: { stationId: fushan.id, partnerId: propertyPartner.id, status: both ? "ACTIVE" : "AWAITING_SIGNATURES", createdById: officerId },
        });
        const terms = "一、物业联合会组织保安、保洁及业主志愿者加入“好邻舍”义警，按月轮流出人参与巡防。\n二、派出所提供培训与警情通报。\n三、双方每季度通报履约情况。";
        const textHash = sha256(canonicalText({ agreementId: a.id, stationId: fushan.id, partnerId: propertyPartner.id, version: 1, title: spec.title, terms, effectiveFrom, effectiveTo, obligations }));
        const v = await tx.agreementVersion.create({
          data: {
            agreementId: a.id, version: 1, title: spec.title, terms, effectiveFrom, effectiveTo, textHash, createdById: officerId,
            obligations: { create: obligations.map((o, position) => ({ ...o, position })) },
          },
        });
        await tx.agreementEvent.create({ data: { agreementId: a.id, kind: "DRAFTED", version: 1, side: "STATION", actorId: officerId, at: at(-20, 10) } });
        for (const side of spec.signed) {
          const signerId = side === "STATION" ? officerId : partnerAdminId;
          await tx.agreementSignature.create({ data: { agreementId: a.id, versionId: v.id, side, signerId, textHash, signedAt: at(-19, 10) } });
          await tx.agreementEvent.create({ data: { agreementId: a.id, kind: "SIGNED", version: 1, side, actorId: signerId, at: at(-19, 10) } });
        }
        if (both) await tx.agreementEvent.create({ data: { agreementId: a.id, kind: "ACTIVATED", version: 1, at: at(-19, 10) } });
      }
      await tx.account.update({ where: { id: officerId }, data: { displayName: "方警官" } });
      await tx.account.update({ where: { id: byPhone.get(DEMO_PHONES.changqingOfficer)! }, data: { displayName: "沈宏" } });
      await tx.account.update({ where: { id: partnerAdminId }, data: { displayName: "陈建国" } });

      await tx.shift.createMany({
        data: shiftRows.map((r, i) => ({
          ...r, stationId: fushan.id, teamId: haolinshe.id, notes: "", postCode: String(100000 + i * 7919).slice(-6),
          createdById: byPhone.get(DEMO_PHONES.haolinsheLeader)!,
        })),
      });
      await tx.accountRole.createMany({
        data: [
          { accountId: byPhone.get(DEMO_PHONES.fushanOfficer)!, role: "OFFICER", stationId: fushan.id },
          { accountId: byPhone.get(DEMO_PHONES.changqingOfficer)!, role: "OFFICER", stationId: changqing.id },
          { accountId: byPhone.get(DEMO_PHONES.partnerAdmin)!, role: "PARTNER_ADMIN", partnerId: propertyPartner.id },
        ],
      });
    },
    { timeout: 60_000 },
  );
  log("Demo data seeded: 府山派出所 (好邻舍义警, 10 squads, 201 volunteers), 长庆派出所 (吴牙社区安全委员会), 5 partners.");
  return true;
}
