// The access policy as a matrix: roles × {own station, other station} × every action, with no
// database. Expectations are written out here, independently of the rules, so changing a rule
// without changing this table fails.
import { GraphQLObjectType, type GraphQLField } from "graphql";
import { describe, expect, it } from "vitest";
import { ACTIONS, can, claimableShiftGroups, receivableNoticeKinds, type Action, type FactsOf, type PersonFacts } from "../api/src/auth/policy.js";
import type { Viewer } from "../api/src/auth/viewer.js";

// Two stations in two regions, each with a team, a squad in it, a second team and a partner.
const S = {
  own: { region: "region-A", station: "st-A", team: "team-A", team2: "team-A2", squad: "squad-A1", partner: "partner-A" },
  other: { region: "region-B", station: "st-B", team: "team-B", team2: "team-B2", squad: "squad-B1", partner: "partner-B" },
};
type Side = keyof typeof S;

const base = (over: Partial<Viewer>): Viewer => ({
  accountId: "acc",
  sessionId: "sess",
  sessionExpiresAt: null,
  phone: "13800000000",
  displayName: "x",
  volunteerId: null,
  isAdmin: false,
  regionAdminOf: new Set(),
  regionStationIds: new Set(),
  officerStationIds: new Set(),
  partnerAdminOf: new Map(),
  teams: new Map(),
  squads: new Map(),
  ...over,
});

const A = S.own;
/** Every role holds its rights at station A ("own"). */
const ROLES: Record<string, Viewer | null> = {
  anon: null,
  V: base({ accountId: "acc-v", volunteerId: "vol-v", teams: new Map([[A.team, { role: "MEMBER", stationId: A.station }]]), squads: new Map([[A.squad, { role: "MEMBER", teamId: A.team }]]) }),
  SL: base({ accountId: "acc-sl", volunteerId: "vol-sl", teams: new Map([[A.team, { role: "MEMBER", stationId: A.station }]]), squads: new Map([[A.squad, { role: "LEADER", teamId: A.team }]]) }),
  TL: base({ accountId: "acc-tl", volunteerId: "vol-tl", teams: new Map([[A.team, { role: "LEADER", stationId: A.station }]]) }),
  O: base({ accountId: "acc-o", officerStationIds: new Set([A.station]) }),
  P: base({ accountId: "acc-p", partnerAdminOf: new Map([[A.partner, A.station]]) }),
  /** 区域管理员 of region A (which holds station A) */
  RA: base({ accountId: "acc-ra", regionAdminOf: new Set([A.region]), regionStationIds: new Set([A.station]) }),
  Adm: base({ accountId: "acc-adm", isAdmin: true }),
};

/** Someone else at the station: in its team and squad, from its partner. */
const person = (side: Side): PersonFacts => ({
  volunteerId: `vol-member-${side}`,
  stationIds: [S[side].station],
  teamIds: [S[side].team],
  squadIds: [S[side].squad],
  partnerId: S[side].partner,
  hasGrantedRole: false,
});
/** Someone of the station in its other team. */
const neighbour = (side: Side): PersonFacts => ({ ...person(side), volunteerId: `vol-neighbour-${side}`, teamIds: [S[side].team2], squadIds: [] });

const facts: { [K in Action]: (side: Side) => FactsOf<K> } = {
  "region.create": () => null,
  "region.read": (x) => ({ regionId: S[x].region }),
  "station.create": (x) => ({ regionId: S[x].region }),
  "station.update": (x) => ({ stationId: S[x].station }),
  "community.manage": (x) => ({ stationId: S[x].station }),
  "grid.manage": (x) => ({ stationId: S[x].station }),
  "role.grant": (x) => ({ role: "OFFICER", stationId: S[x].station }),
  "role.read": (x) => ({ role: "OFFICER", stationId: S[x].station, accountId: "acc-someone" }),
  "membership.approve": (x) => ({ stationId: S[x].station, teamId: S[x].team }),
  "invite.manage": (x) => ({ stationId: S[x].station, teamId: S[x].team }),
  "volunteer.list": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: null, status: "ACTIVE" }),
  "volunteer.export": (x) => ({ stationId: S[x].station }),
  "station.read": (x) => ({ stationId: S[x].station }),
  "station.manage": (x) => ({ stationId: S[x].station }),
  "team.read": (x) => ({ stationId: S[x].station, teamId: S[x].team }),
  "team.create": (x) => ({ stationId: S[x].station }),
  "team.update": (x) => ({ stationId: S[x].station, teamId: S[x].team }),
  "team.addMember": (x) => ({ team: { stationId: S[x].station, teamId: S[x].team }, person: neighbour(x) }),
  "team.removeMember": (x) => ({ stationId: S[x].station, teamId: S[x].team, role: "MEMBER" }),
  "team.setRole": (x) => ({ stationId: S[x].station, teamId: S[x].team }),
  "squad.create": (x) => ({ stationId: S[x].station, teamId: S[x].team }),
  "squad.update": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }),
  "squad.addMember": (x) => ({ squad: { stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }, person: { ...person(x), squadIds: [] } }),
  "squad.removeMember": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad, role: "MEMBER" }),
  "squad.setLeader": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }),
  "membership.read": (x) => ({ stationId: S[x].station, teamId: S[x].team, volunteerId: person(x).volunteerId, status: "PENDING" }),
  "volunteer.read": (x) => person(x),
  "volunteer.readPersonal": (x) => person(x),
  "volunteer.register": (x) => ({ stationId: S[x].station }),
  "enrollment.read": (x) => ({ stationId: S[x].station, phone: "13900000009" }),
  "enrollment.readPersonal": (x) => ({ stationId: S[x].station, person: null }),
  "enrollment.readPhone": (x) => ({ stationId: S[x].station, phone: "13900000009", person: null }),
  "volunteer.manage": (x) => ({ person: person(x), stationId: S[x].station }),
  "volunteer.updateOwn": (x) => ({ volunteerId: person(x).volunteerId }),
  "volunteer.readSharedPhone": (x) => ({ person: person(x), shared: true }),
  "account.manage": (x) => person(x),
  "shift.read": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }),
  "shift.publish": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }),
  "shift.manage": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }),
  "shift.claim": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }),
  "shift.readGoing": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }),
  "shift.assign": (x) => ({ shift: { stationId: S[x].station, teamId: S[x].team, squadId: null }, person: person(x) }),
  "claim.read": (x) => ({ volunteerId: person(x).volunteerId, partnerId: S[x].partner, shift: { stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad } }),
  // A claim of the partner's person on a shift given to that partner (轮流出人): its admin may take them back.
  "claim.cancel": (x) => ({ volunteerId: person(x).volunteerId, partnerId: S[x].partner, shift: { stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }, rotationPartnerId: S[x].partner, assigned: true }),
  "claim.checkInSelf": (x) => ({ volunteerId: person(x).volunteerId, partnerId: null, shift: { stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad } }),
  "claim.checkInOthers": (x) => ({ volunteerId: person(x).volunteerId, partnerId: null, shift: { stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad } }),
  "claim.checkOutOthers": (x) => ({ volunteerId: person(x).volunteerId, partnerId: null, shift: { stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad } }),
  "patrol.watch": (x) => ({ stationId: S[x].station }),
  "patrol.readEvent": (x) => ({ stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }),
  "goodDeed.submit": (x) => ({ stationId: S[x].station, teamId: S[x].team }),
  "goodDeed.read": (x) => ({ stationId: S[x].station, teamId: S[x].team, submittedById: "acc-someone", volunteerId: person(x).volunteerId }),
  "goodDeed.review": (x) => ({ stationId: S[x].station, volunteerId: person(x).volunteerId }),
  "commendation.read": (x) => ({ stationId: S[x].station }),
  "board.publish": (x) => ({ stationId: S[x].station, teamId: S[x].team }),
  "board.read": (x) => ({ stationId: S[x].station, withdrawn: true }),
  "points.read": (x) => ({ person: person(x), stationId: S[x].station }),
  "points.adjust": (x) => ({ person: person(x), stationId: S[x].station }),
  "points.reverse": (x) => ({ stationId: S[x].station, volunteerId: person(x).volunteerId }),
  "points.rules": (x) => ({ stationId: S[x].station }),
  "certificate.read": (x) => ({ person: person(x), stationId: S[x].station }),
  "reward.read": (x) => ({ stationId: S[x].station }),
  "reward.manage": (x) => ({ stationId: S[x].station }),
  "reward.redeem": (x) => ({ stationId: S[x].station }),
  "redemption.read": (x) => ({ person: person(x), stationId: S[x].station }),
  "redemption.handOut": (x) => ({ stationId: S[x].station }),
  "partner.read": (x) => ({ stationId: S[x].station, partnerId: S[x].partner }),
  "partner.readPrivate": (x) => ({ stationId: S[x].station, partnerId: S[x].partner }),
  "partner.create": (x) => ({ stationId: S[x].station }),
  "agreement.read": (x) => ({ stationId: S[x].station, partnerId: S[x].partner }),
  "agreement.draft": (x) => ({ stationId: S[x].station, partnerId: S[x].partner }),
  "agreement.actForStation": (x) => ({ stationId: S[x].station, partnerId: S[x].partner }),
  "agreement.actForPartner": (x) => ({ stationId: S[x].station, partnerId: S[x].partner }),
  "rotation.assign": (x) => ({ stationId: S[x].station }),
  "rotation.fill": (x) => ({ partner: { stationId: S[x].station, partnerId: S[x].partner }, person: person(x) }),
  "patrolReport.submit": (x) => ({ stationId: S[x].station }),
  "patrolReport.read": (x) => ({ stationId: S[x].station, reporterAccountId: "acc-someone", assignedTeamId: S[x].team, assignedPartnerId: null }),
  "patrolReport.triage": (x) => ({ stationId: S[x].station }),
  "patrolReport.resolve": (x) => ({ stationId: S[x].station, reporterAccountId: "acc-someone", assignedTeamId: null, assignedPartnerId: S[x].partner }),
  "mediator.read": (x) => ({ stationId: S[x].station, active: false, atStation: true }),
  "mediator.manage": (x) => ({ stationId: S[x].station }),
  "mediationCase.open": (x) => ({ stationId: S[x].station }),
  "mediationCase.read": (x) => ({ stationId: S[x].station, mediatorVolunteerIds: [person(x).volunteerId] }),
  "mediationCase.readParties": (x) => ({ stationId: S[x].station, mediatorVolunteerIds: [person(x).volunteerId] }),
  "mediationCase.work": (x) => ({ stationId: S[x].station, mediatorVolunteerIds: [person(x).volunteerId] }),
  "mediation.stats": (x) => ({ stationId: S[x].station }),
  "homeWatch.request": (x) => ({ stationId: S[x].station }),
  "homeWatch.decide": (x) => ({ stationId: S[x].station }),
  "homeWatch.read": (x) => ({ stationId: S[x].station, teamId: S[x].team, visitorVolunteerIds: [person(x).volunteerId] }),
  "homeWatch.readPersonal": (x) => ({ stationId: S[x].station, teamId: S[x].team, visitorVolunteerIds: [person(x).volunteerId] }),
  "homeWatch.logVisit": (x) => ({ shift: { stationId: S[x].station, teamId: S[x].team, squadId: S[x].squad }, visitorVolunteerIds: [person(x).volunteerId] }),
  "homeWatch.readVisit": (x) => ({ stationId: S[x].station, teamId: S[x].team, volunteerId: person(x).volunteerId, visitorVolunteerIds: [] }),
  "audit.read": (x) => ({ stationId: S[x].station }),
  "notification.read": (x) => ({ accountId: `acc-member-${x}` }),
  "volunteer.setHomeGrid": (x) => ({ person: person(x), stationId: S[x].station }),
  "bulletin.publish": (x) => ({ stationId: S[x].station }),
  "bulletin.read": (x) => ({ stationId: S[x].station, public: false, received: false }),
  "bulletin.readStats": (x) => ({ stationId: S[x].station }),
  "mobilization.start": (x) => ({ stationId: S[x].station, leadersMayMobilize: true }),
  "mobilization.read": (x) => ({ mobilization: { stationId: S[x].station, startedById: "acc-someone", leadersMayMobilize: true }, called: false }),
  "mobilization.manage": (x) => ({ stationId: S[x].station, startedById: "acc-someone", leadersMayMobilize: true }),
  "mobilization.watch": (x) => ({ stationId: S[x].station }),
  "mobilization.respond": (x) => ({ volunteerId: person(x).volunteerId, stationId: S[x].station }),
  "responder.read": (x) => ({ volunteerId: person(x).volunteerId, mobilization: { stationId: S[x].station, startedById: "acc-someone", leadersMayMobilize: true } }),
  "statistics.read": (x) => ({ stationId: S[x].station }),
  "statistics.readRegion": (x) => ({ regionId: S[x].region }),
  "public.read": () => null,
};

// Who may, at their own station and at the other one. "*" is every role, anonymous included.
const STAFF = "V SL TL O P Adm"; // everyone who sees station A
const EXPECT: Record<Action, { own: string; other: string }> = {
  "region.create": { own: "Adm", other: "Adm" },
  "region.read": { own: "RA Adm", other: "Adm" },
  "station.create": { own: "RA Adm", other: "Adm" },
  "station.read": { own: `${STAFF} RA`, other: "Adm" },
  "station.update": { own: "O RA Adm", other: "Adm" },
  "community.manage": { own: "O RA Adm", other: "Adm" },
  "grid.manage": { own: "O RA Adm", other: "Adm" },
  "role.grant": { own: "RA Adm", other: "Adm" },
  "role.read": { own: "O RA Adm", other: "Adm" },
  "membership.approve": { own: "TL O Adm", other: "Adm" },
  "invite.manage": { own: "TL O Adm", other: "Adm" },
  "volunteer.list": { own: "TL O Adm", other: "Adm" },
  "volunteer.export": { own: "O Adm", other: "Adm" },
  "station.manage": { own: "O Adm", other: "Adm" },
  "team.read": { own: STAFF, other: "Adm" },
  "team.create": { own: "O Adm", other: "Adm" },
  "team.update": { own: "TL O Adm", other: "Adm" },
  "team.addMember": { own: "O Adm", other: "Adm" },
  "team.removeMember": { own: "TL O Adm", other: "Adm" },
  "team.setRole": { own: "O Adm", other: "Adm" },
  "squad.create": { own: "TL O Adm", other: "Adm" },
  "squad.update": { own: "SL TL O Adm", other: "Adm" },
  "squad.addMember": { own: "TL O Adm", other: "Adm" },
  "squad.removeMember": { own: "SL TL O Adm", other: "Adm" },
  "squad.setLeader": { own: "O Adm", other: "Adm" },
  "membership.read": { own: "TL O Adm", other: "Adm" },
  "volunteer.read": { own: STAFF, other: "Adm" },
  "volunteer.readPersonal": { own: "SL TL O Adm", other: "Adm" },
  "volunteer.register": { own: "O Adm", other: "Adm" },
  "enrollment.read": { own: "O Adm", other: "Adm" },
  "enrollment.readPersonal": { own: "O Adm", other: "Adm" },
  "enrollment.readPhone": { own: "O Adm", other: "Adm" },
  "volunteer.manage": { own: "O Adm", other: "Adm" },
  "volunteer.updateOwn": { own: "", other: "" },
  "volunteer.readSharedPhone": { own: "V SL TL O Adm", other: "Adm" },
  "account.manage": { own: "O Adm", other: "Adm" },
  "shift.read": { own: STAFF, other: "Adm" },
  "shift.publish": { own: "SL TL O Adm", other: "Adm" },
  "shift.manage": { own: "SL TL O Adm", other: "Adm" },
  "shift.claim": { own: "V SL", other: "" },
  "shift.readGoing": { own: "V SL TL O Adm", other: "Adm" },
  "shift.assign": { own: "TL O Adm", other: "Adm" },
  "claim.read": { own: "SL TL O P Adm", other: "Adm" },
  "claim.cancel": { own: "SL TL O P Adm", other: "Adm" },
  "claim.checkInSelf": { own: "SL TL O Adm", other: "Adm" },
  "claim.checkInOthers": { own: "SL TL O Adm", other: "Adm" },
  "claim.checkOutOthers": { own: "SL TL O Adm", other: "Adm" },
  "patrol.watch": { own: "SL TL O Adm", other: "Adm" },
  "patrol.readEvent": { own: "SL TL O Adm", other: "Adm" },
  "goodDeed.submit": { own: "V SL TL O Adm", other: "Adm" },
  "goodDeed.read": { own: "TL O Adm", other: "Adm" },
  "goodDeed.review": { own: "O Adm", other: "Adm" },
  "commendation.read": { own: STAFF, other: "Adm" },
  "board.publish": { own: "TL O Adm", other: "Adm" },
  "board.read": { own: STAFF, other: "Adm" },
  "points.read": { own: "SL TL O Adm", other: "Adm" },
  "points.adjust": { own: "O Adm", other: "Adm" },
  "points.reverse": { own: "O Adm", other: "Adm" },
  "points.rules": { own: "O Adm", other: "Adm" },
  "certificate.read": { own: "O Adm", other: "Adm" },
  "reward.read": { own: STAFF, other: "Adm" },
  "reward.manage": { own: "O Adm", other: "Adm" },
  "reward.redeem": { own: "V SL TL", other: "" },
  "redemption.read": { own: "O Adm", other: "Adm" },
  "redemption.handOut": { own: "O Adm", other: "Adm" },
  "partner.read": { own: STAFF, other: "Adm" },
  "partner.readPrivate": { own: "O P Adm", other: "Adm" },
  "partner.create": { own: "O Adm", other: "Adm" },
  "agreement.read": { own: "O P Adm", other: "Adm" },
  "agreement.draft": { own: "O Adm", other: "Adm" },
  "agreement.actForStation": { own: "O Adm", other: "Adm" },
  "agreement.actForPartner": { own: "P Adm", other: "Adm" },
  "rotation.assign": { own: "O Adm", other: "Adm" },
  "rotation.fill": { own: "P Adm", other: "Adm" },
  "patrolReport.submit": { own: "V SL TL O Adm", other: "Adm" },
  "patrolReport.read": { own: "TL O Adm", other: "Adm" },
  "patrolReport.triage": { own: "O Adm", other: "Adm" },
  "patrolReport.resolve": { own: "O P Adm", other: "Adm" },
  "mediator.read": { own: STAFF, other: "Adm" },
  "mediator.manage": { own: "O Adm", other: "Adm" },
  "mediationCase.open": { own: "O Adm", other: "Adm" },
  "mediationCase.read": { own: "O Adm", other: "Adm" },
  "mediationCase.readParties": { own: "O Adm", other: "Adm" },
  "mediationCase.work": { own: "O Adm", other: "Adm" },
  "mediation.stats": { own: "O Adm", other: "Adm" },
  "homeWatch.request": { own: "*", other: "*" },
  "homeWatch.decide": { own: "O Adm", other: "Adm" },
  "homeWatch.read": { own: "TL O Adm", other: "Adm" },
  "homeWatch.readPersonal": { own: "TL O Adm", other: "Adm" },
  "homeWatch.logVisit": { own: "SL TL O Adm", other: "Adm" },
  "homeWatch.readVisit": { own: "TL O Adm", other: "Adm" },
  "audit.read": { own: "O Adm", other: "Adm" },
  "notification.read": { own: "", other: "" },
  "volunteer.setHomeGrid": { own: "", other: "" },
  "bulletin.publish": { own: "O Adm", other: "Adm" },
  "bulletin.read": { own: "O Adm", other: "Adm" },
  "bulletin.readStats": { own: "O Adm", other: "Adm" },
  "mobilization.start": { own: "SL TL O Adm", other: "Adm" },
  "mobilization.read": { own: "SL TL O Adm", other: "Adm" },
  "mobilization.manage": { own: "O Adm", other: "Adm" },
  "mobilization.watch": { own: "SL TL O Adm", other: "Adm" },
  "mobilization.respond": { own: "", other: "" },
  "responder.read": { own: "O Adm", other: "Adm" },
  "statistics.read": { own: "O RA Adm", other: "Adm" },
  "statistics.readRegion": { own: "RA Adm", other: "Adm" },
  "public.read": { own: "*", other: "*" },
};

const allowed = (spec: string, role: string) => spec === "*" || spec.split(" ").includes(role);

describe("the access policy", () => {
  it("has an expectation for every action", () => {
    expect(Object.keys(EXPECT).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    it(`decides ${action} for every role at its own and another station`, () => {
      const wrong: string[] = [];
      for (const side of ["own", "other"] as const) {
        for (const [role, viewer] of Object.entries(ROLES)) {
          const got = can(viewer, action, facts[action](side) as never);
          if (got !== allowed(EXPECT[action][side], role)) wrong.push(`${role}@${side}: ${got ? "allowed" : "denied"}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it("lets a person act on what is theirs", () => {
    const me = person("own");
    const self = base({ accountId: "acc-me", volunteerId: me.volunteerId, teams: new Map([[A.team, { role: "MEMBER", stationId: A.station }]]) });
    expect(can(self, "volunteer.readPersonal", me)).toBe(true);
    expect(can(self, "volunteer.updateOwn", { volunteerId: me.volunteerId })).toBe(true);
    expect(can(self, "points.read", { person: me, stationId: A.station })).toBe(true);
    expect(can(self, "certificate.read", { person: me, stationId: A.station })).toBe(true);
    expect(can(self, "redemption.read", { person: me, stationId: A.station })).toBe(true);
    const myClaim = { volunteerId: me.volunteerId, partnerId: null, shift: { stationId: A.station, teamId: A.team, squadId: null } };
    expect(can(self, "claim.read", myClaim)).toBe(true);
    expect(can(self, "claim.cancel", myClaim)).toBe(true);
    expect(can(self, "claim.checkInSelf", myClaim)).toBe(true);
    expect(can(self, "claim.checkInOthers", myClaim)).toBe(false);
    expect(can(self, "volunteer.setHomeGrid", { person: me, stationId: A.station })).toBe(true);
    expect(can(self, "volunteer.setHomeGrid", { person: me, stationId: S.other.station })).toBe(false);
    expect(can(self, "mobilization.respond", { volunteerId: me.volunteerId, stationId: A.station })).toBe(true);
    expect(can(self, "mobilization.respond", { volunteerId: me.volunteerId, stationId: S.other.station })).toBe(false);
    expect(can(self, "notification.read", { accountId: "acc-me" })).toBe(true);
    const myAnswer = { volunteerId: me.volunteerId, mobilization: { stationId: A.station, startedById: "acc-o", leadersMayMobilize: false } };
    expect(can(self, "responder.read", myAnswer)).toBe(true);
    // ...but never manages their own account as an officer would.
    const selfOfficer = base({ ...self, officerStationIds: new Set([A.station]) });
    expect(can(selfOfficer, "account.manage", me)).toBe(false);
  });

  it("keeps a squad leader inside their squad", () => {
    const sl = ROLES.SL!;
    expect(can(sl, "shift.publish", { stationId: A.station, teamId: A.team, squadId: A.squad })).toBe(true);
    expect(can(sl, "shift.publish", { stationId: A.station, teamId: A.team, squadId: null })).toBe(false);
    expect(can(sl, "shift.publish", { stationId: A.station, teamId: A.team, squadId: "squad-A2" })).toBe(false);
    expect(can(sl, "squad.removeMember", { stationId: A.station, teamId: A.team, squadId: A.squad, role: "LEADER" })).toBe(false);
  });

  it("keeps a squad leader's patrol watch inside their squad", () => {
    const sl = ROLES.SL!;
    expect(can(sl, "patrol.readEvent", { stationId: A.station, teamId: A.team, squadId: A.squad })).toBe(true);
    expect(can(sl, "patrol.readEvent", { stationId: A.station, teamId: A.team, squadId: "squad-A2" })).toBe(false);
    expect(can(sl, "patrol.readEvent", { stationId: A.station, teamId: A.team, squadId: null })).toBe(false);
    // A plain member of the squad watches nothing.
    expect(can(ROLES.V!, "patrol.watch", { stationId: A.station })).toBe(false);
  });

  it("shows a leader's phone to their team only when they consented, and to those who see it anyway", () => {
    const leader = person("own");
    expect(can(ROLES.V!, "volunteer.readSharedPhone", { person: leader, shared: false })).toBe(false);
    expect(can(ROLES.V!, "volunteer.readSharedPhone", { person: leader, shared: true })).toBe(true);
    expect(can(ROLES.P!, "volunteer.readSharedPhone", { person: leader, shared: true })).toBe(false);
    expect(can(ROLES.TL!, "volunteer.readSharedPhone", { person: leader, shared: false })).toBe(true);
    expect(can(ROLES.O!, "volunteer.readSharedPhone", { person: leader, shared: false })).toBe(true);
    // A member of the station's other team does not see it, shared or not.
    const otherTeam = base({ accountId: "acc-x", volunteerId: "vol-x", teams: new Map([[A.team2, { role: "MEMBER", stationId: A.station }]]) });
    expect(can(otherTeam, "volunteer.readSharedPhone", { person: leader, shared: true })).toBe(false);
  });

  it("names who else is going only to those who may claim or run the shift", () => {
    const squadShift = { stationId: A.station, teamId: A.team, squadId: "squad-A2" };
    expect(can(ROLES.V!, "shift.readGoing", squadShift)).toBe(false);
    expect(can(ROLES.V!, "shift.readGoing", { ...squadShift, squadId: null })).toBe(true);
    expect(can(ROLES.TL!, "shift.readGoing", squadShift)).toBe(true);
    expect(can(ROLES.P!, "shift.readGoing", { ...squadShift, squadId: null })).toBe(false);
  });

  it("filters the shift board to what shift.claim allows by membership, for every role and shift", () => {
    // A volunteer of two stations' teams, a squad in each, to see that one station's groups stay its own.
    const both = base({
      accountId: "acc-2", volunteerId: "vol-2",
      teams: new Map([[A.team, { role: "MEMBER", stationId: A.station }], [S.other.team, { role: "MEMBER", stationId: S.other.station }]]),
      squads: new Map([[A.squad, { role: "MEMBER", teamId: A.team }], [S.other.squad, { role: "MEMBER", teamId: S.other.team }]]),
    });
    for (const v of [...Object.values(ROLES), both]) {
      for (const side of ["own", "other"] as Side[]) {
        const st = S[side];
        const groups = claimableShiftGroups(v, st.station);
        for (const teamId of [st.team, st.team2]) {
          for (const squadId of [null, st.squad, `${st.squad}-x`]) {
            const shift = { stationId: st.station, teamId, squadId, startsAt: new Date(0), endsAt: new Date(1), status: "OPEN" };
            const listed = groups.teamIds.includes(teamId) && (squadId === null || groups.squadIds.includes(squadId));
            expect(listed, `${v?.accountId ?? "anon"} ${teamId} ${squadId}`).toBe(can(v, "shift.claim", shift));
          }
        }
      }
    }
    expect(claimableShiftGroups(both, A.station)).toEqual({ teamIds: [A.team], squadIds: [A.squad] });
  });

  it("lets leaders remove members but only officers remove leaders, squad leaders included", () => {
    const leaderRow = { stationId: A.station, teamId: A.team, role: "LEADER" as const };
    expect(can(ROLES.TL!, "team.removeMember", leaderRow)).toBe(false);
    expect(can(ROLES.O!, "team.removeMember", leaderRow)).toBe(true);
    const squadLeader = { stationId: A.station, teamId: A.team, role: "MEMBER" as const, leadsSquad: true };
    expect(can(ROLES.TL!, "team.removeMember", squadLeader)).toBe(false);
    expect(can(ROLES.O!, "team.removeMember", squadLeader)).toBe(true);
  });

  it("adds only people of the team's own station, and never manages someone of another station too", () => {
    const stranger = person("other");
    expect(can(ROLES.O!, "team.addMember", { team: { stationId: A.station, teamId: A.team }, person: stranger })).toBe(false);
    expect(can(ROLES.O!, "points.adjust", { person: stranger, stationId: A.station })).toBe(false);
    expect(can(ROLES.O!, "shift.assign", { shift: { stationId: A.station, teamId: A.team, squadId: null }, person: stranger })).toBe(false);
    const twoStations = { ...person("own"), stationIds: [A.station, S.other.station] };
    expect(can(ROLES.O!, "account.manage", twoStations)).toBe(false);
    expect(can(ROLES.O!, "account.manage", { ...person("own"), hasGrantedRole: true })).toBe(false);
    expect(can(ROLES.Adm!, "account.manage", twoStations)).toBe(true);
  });

  it("an officer (or administrator) who is also a volunteer of the station never awards or restores their own points", () => {
    const me = person("own");
    for (const v of [base({ ...ROLES.O!, volunteerId: me.volunteerId }), base({ ...ROLES.Adm!, volunteerId: me.volunteerId })]) {
      expect(can(v, "points.adjust", { person: me, stationId: A.station })).toBe(false);
      expect(can(v, "points.reverse", { stationId: A.station, volunteerId: me.volunteerId })).toBe(false);
      expect(can(v, "goodDeed.review", { stationId: A.station, volunteerId: me.volunteerId })).toBe(false);
      expect(can(v, "points.adjust", { person: neighbour("own"), stationId: A.station })).toBe(true);
      expect(can(v, "goodDeed.review", { stationId: A.station, volunteerId: null })).toBe(true); // a team's deed
      expect(can(v, "redemption.handOut", { stationId: A.station, volunteerId: me.volunteerId })).toBe(false);
      expect(can(v, "redemption.handOut", { stationId: A.station, volunteerId: neighbour("own").volunteerId })).toBe(true);
    }
  });

  it("a leader or officer who runs a shift never checks themselves in for themselves (代签到): post code and place, as everyone", () => {
    const me = person("own");
    const myClaim = { volunteerId: me.volunteerId, partnerId: null, shift: { stationId: A.station, teamId: A.team, squadId: A.squad } };
    for (const role of ["SL", "TL", "O", "Adm"] as const) {
      const v = base({ ...ROLES[role]!, volunteerId: me.volunteerId });
      expect(can(v, "claim.checkInOthers", myClaim), role).toBe(false);
      expect(can(v, "claim.checkOutOthers", myClaim), role).toBe(true); // 代签退 needs no evidence from anyone
      expect(can(v, "claim.checkInSelf", myClaim), role).toBe(true);
      expect(can(v, "claim.checkInOthers", { ...myClaim, volunteerId: neighbour("own").volunteerId }), role).toBe(true);
    }
  });

  it("shows a patrol report to its reporter and to the team or partner it is assigned to, not to others", () => {
    const report = { stationId: A.station, reporterAccountId: "acc-v", assignedTeamId: null, assignedPartnerId: null };
    expect(can(ROLES.V!, "patrolReport.read", report)).toBe(true);
    expect(can(ROLES.V!, "patrolReport.resolve", report)).toBe(false);
    expect(can(ROLES.SL!, "patrolReport.read", report)).toBe(false);
    expect(can(ROLES.TL!, "patrolReport.read", report)).toBe(false);
    expect(can(ROLES.P!, "patrolReport.read", { ...report, assignedPartnerId: A.partner })).toBe(true);
    expect(can(ROLES.P!, "patrolReport.read", { ...report, assignedTeamId: A.team })).toBe(false);
    expect(can(ROLES.TL!, "patrolReport.resolve", { ...report, assignedTeamId: A.team })).toBe(true);
    expect(can(ROLES.TL!, "patrolReport.resolve", { ...report, assignedTeamId: A.team2 })).toBe(false);
    // An assignment that names the other station's partner or team gives nothing at this station.
    expect(can(ROLES.P!, "patrolReport.read", { ...report, stationId: S.other.station, reporterAccountId: "x", assignedPartnerId: A.partner })).toBe(false);
    expect(can(ROLES.TL!, "patrolReport.resolve", { ...report, stationId: S.other.station, assignedTeamId: A.team })).toBe(false);
  });

  it("lets a case's own mediators see and work it, parties included, and no other mediator", () => {
    const mediator = ROLES.V!; // vol-v
    const mine = { stationId: A.station, mediatorVolunteerIds: ["vol-v"] };
    const theirs = { stationId: A.station, mediatorVolunteerIds: ["vol-sl"] };
    for (const action of ["mediationCase.read", "mediationCase.readParties", "mediationCase.work"] as const) {
      expect(can(mediator, action, mine), action).toBe(true);
      expect(can(mediator, action, theirs), action).toBe(false);
    }
    // A mediator who left the station (no membership there any more) keeps the row, not the case.
    const left = { ...mediator, teams: new Map() };
    for (const action of ["mediationCase.read", "mediationCase.readParties", "mediationCase.work"] as const) expect(can(left, action, mine), action).toBe(false);
    expect(can(mediator, "mediationCase.open", { stationId: A.station })).toBe(false);
    // 警调超市: an active profile is public, a withdrawn one is not.
    expect(can(null, "mediator.read", { stationId: A.station, active: true, atStation: true })).toBe(true);
    expect(can(null, "mediator.read", { stationId: A.station, active: false, atStation: true })).toBe(false);
    expect(can(mediator, "mediation.stats", { stationId: A.station })).toBe(false);
  });

  it("opens a mediator suspended at or gone from the station, or taken off the list, only to the station's own people", () => {
    const wrong: string[] = [];
    for (const [state, over, spec] of [
      ["listed", { active: true, atStation: true }, { own: "*", other: "*" }],
      ["away", { active: true, atStation: false }, { own: STAFF, other: "Adm" }],
      ["off the list", { active: false, atStation: true }, { own: STAFF, other: "Adm" }],
      ["off the list and away", { active: false, atStation: false }, { own: STAFF, other: "Adm" }],
    ] as const) {
      for (const side of ["own", "other"] as const) {
        for (const [role, viewer] of Object.entries(ROLES)) {
          const got = can(viewer, "mediator.read", { stationId: S[side].station, ...over });
          if (got !== allowed(spec[side], role)) wrong.push(`${state} ${role}@${side}: ${got ? "allowed" : "denied"}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("shows a home-watch address to the volunteers who visit, not to the rest of the team", () => {
    const request = { stationId: A.station, teamId: A.team, visitorVolunteerIds: ["vol-v"] };
    expect(can(ROLES.V!, "homeWatch.readPersonal", request)).toBe(true);
    expect(can(ROLES.V!, "homeWatch.read", request)).toBe(false);
    expect(can(ROLES.SL!, "homeWatch.readPersonal", request)).toBe(false);
    const shift = { stationId: A.station, teamId: A.team, squadId: null };
    expect(can(ROLES.V!, "homeWatch.logVisit", { shift, visitorVolunteerIds: ["vol-v"] })).toBe(true);
    expect(can(ROLES.V!, "homeWatch.logVisit", { shift, visitorVolunteerIds: ["vol-sl"] })).toBe(false);
    expect(can(ROLES.V!, "homeWatch.readVisit", { stationId: A.station, teamId: A.team, volunteerId: "vol-v", visitorVolunteerIds: [] })).toBe(true);
    // A visit someone else logged (a co-visitor, a leader): read by the request's visitors, not the rest of the team.
    expect(can(ROLES.V!, "homeWatch.readVisit", { stationId: A.station, teamId: A.team, volunteerId: null, visitorVolunteerIds: ["vol-v"] })).toBe(true);
    expect(can(ROLES.V!, "homeWatch.readVisit", { stationId: A.station, teamId: A.team, volunteerId: "vol-sl", visitorVolunteerIds: ["vol-sl"] })).toBe(false);
    expect(can(null, "homeWatch.readVisit", { stationId: A.station, teamId: A.team, volunteerId: null, visitorVolunteerIds: [] })).toBe(false);
    // A visitor who left the station or was suspended (no active membership) sees the address no more.
    const left = { ...ROLES.V!, teams: new Map() };
    expect(can(left, "homeWatch.readPersonal", request)).toBe(false);
    expect(can(left, "homeWatch.logVisit", { shift, visitorVolunteerIds: ["vol-v"] })).toBe(false);
    expect(can(left, "homeWatch.readVisit", { stationId: A.station, teamId: A.team, volunteerId: "vol-v", visitorVolunteerIds: ["vol-v"] })).toBe(false);
  });

  it("shows entries of the audit log that belong to no station (sign-ins) to administrators only", () => {
    for (const [role, v] of Object.entries(ROLES)) expect(can(v, "audit.read", { stationId: null }), role).toBe(role === "Adm");
  });

  it("lets leaders call up and run their own call-ups only where the station allows it", () => {
    const closed = { stationId: A.station, leadersMayMobilize: false };
    for (const r of ["SL", "TL"]) expect(can(ROLES[r]!, "mobilization.start", closed), r).toBe(false);
    expect(can(ROLES.O!, "mobilization.start", closed)).toBe(true);
    const own = { stationId: A.station, startedById: "acc-tl", leadersMayMobilize: true };
    expect(can(ROLES.TL!, "mobilization.manage", own)).toBe(true);
    expect(can(ROLES.TL!, "mobilization.manage", { ...own, leadersMayMobilize: false })).toBe(false);
    expect(can(ROLES.SL!, "mobilization.manage", own)).toBe(false);
    expect(can(ROLES.O!, "mobilization.manage", { ...own, leadersMayMobilize: false })).toBe(true);
  });

  it("shows a public bulletin to anyone", () => {
    for (const v of Object.values(ROLES)) expect(can(v, "bulletin.read", { stationId: S.other.station, public: true, received: false })).toBe(true);
  });

  it("shows an internal bulletin to whom it was sent, while they belong to the station", () => {
    for (const [role, v] of Object.entries(ROLES)) {
      expect(can(v, "bulletin.read", { stationId: A.station, public: false, received: true }), role).toBe(STAFF.split(" ").includes(role));
      expect(can(v, "bulletin.read", { stationId: S.other.station, public: false, received: true }), role).toBe(role === "Adm");
    }
  });

  it("shows a call-up to whom it called, while they belong to the station, besides the command view", () => {
    const mobilization = { stationId: A.station, startedById: "acc-someone", leadersMayMobilize: false };
    for (const [role, v] of Object.entries(ROLES)) {
      // Belonging to the station, not seeing it: a partner's admin it once called (then a member) is not told.
      expect(can(v, "mobilization.read", { mobilization, called: true }), role).toBe("V SL TL O Adm".split(" ").includes(role));
      expect(can(v, "mobilization.read", { mobilization: { ...mobilization, stationId: S.other.station }, called: true }), role).toBe(role === "Adm");
    }
  });

  it("shows a published board to anyone and a withdrawn one only to the station", () => {
    for (const v of Object.values(ROLES)) expect(can(v, "board.read", { stationId: A.station, withdrawn: false })).toBe(true);
    expect(can(null, "board.read", { stationId: A.station, withdrawn: true })).toBe(false);
  });
});

describe("the notice kinds a person can receive (what their settings offer)", () => {
  const VOLUNTEER = ["WAITLIST_PROMOTED", "SHIFT_REMINDER", "SHIFT_CANCELLED", "SHIFT_CHANGED", "SHIFT_ASSIGNED", "SHIFT_REMOVED", "GOOD_DEED_APPROVED", "GOOD_DEED_REJECTED", "BOARD_PUBLISHED", "BULLETIN", "MOBILIZATION", "MOBILIZATION_CLOSED", "MEMBERSHIP_APPROVED", "MEMBERSHIP_REJECTED", "MEMBERSHIP_STATUS_CHANGED", "PATROL_REPORT_UPDATED"];
  const kinds = (role: string, mediator = false) => [...receivableNoticeKinds(ROLES[role]!, { mediator })].sort();
  it("offers a plain volunteer (and a squad leader) only the kinds that reach volunteers", () => {
    expect(kinds("V")).toEqual([...VOLUNTEER].sort());
    expect(kinds("SL")).toEqual([...VOLUNTEER].sort());
    expect(kinds("V", true)).toEqual([...VOLUNTEER, "MEDIATION_ASSIGNED"].sort());
  });
  it("adds what reaches team leaders, officers and partner admins", () => {
    expect(kinds("TL")).toEqual([...VOLUNTEER, "MEMBERSHIP_REQUESTED", "PATROL_REPORT_ASSIGNED"].sort());
    expect(kinds("O")).toEqual(["GOOD_DEED_APPROVED", "GOOD_DEED_REJECTED", "AGREEMENT_TO_SIGN", "MEMBERSHIP_REQUESTED", "PATROL_REPORT_UPDATED", "PATROL_REPORT_ASSIGNED", "HOME_WATCH_REQUESTED", "HOME_WATCH_PROBLEM"].sort());
    expect(kinds("P")).toEqual(["BULLETIN", "AGREEMENT_TO_SIGN", "PATROL_REPORT_ASSIGNED"].sort());
    expect(kinds("RA")).toEqual([]);
    expect(receivableNoticeKinds(null, { mediator: false })).toEqual([]);
  });
});

describe("a county: regions, roles, invitations, standing", () => {
  const O = ROLES.O!, RA = ROLES.RA!, Adm = ROLES.Adm!, TL = ROLES.TL!;
  const B = S.other;
  it("lets platform admins grant region admins, region admins officers of their stations, officers partner admins of their partners", () => {
    const grant = (v: Viewer, f: FactsOf<"role.grant">) => can(v, "role.grant", f);
    expect(grant(Adm, { role: "REGION_ADMIN", regionId: A.region })).toBe(true);
    expect(grant(RA, { role: "REGION_ADMIN", regionId: A.region })).toBe(false);
    expect(grant(O, { role: "REGION_ADMIN", regionId: A.region })).toBe(false);
    expect(grant(RA, { role: "OFFICER", stationId: A.station })).toBe(true);
    expect(grant(RA, { role: "OFFICER", stationId: B.station })).toBe(false);
    expect(grant(O, { role: "OFFICER", stationId: A.station })).toBe(false);
    expect(grant(O, { role: "PARTNER_ADMIN", stationId: A.station, partnerId: A.partner })).toBe(true);
    expect(grant(O, { role: "PARTNER_ADMIN", stationId: B.station, partnerId: B.partner })).toBe(false);
    // A region admin manages the structure and officers, not the station's partners or volunteers.
    expect(grant(RA, { role: "PARTNER_ADMIN", stationId: A.station, partnerId: A.partner })).toBe(false);
    for (const v of Object.values(ROLES)) expect(can(v, "role.grant", { role: "ADMIN" })).toBe(false);
  });

  it("keeps region admins out of the volunteers' data of their stations", () => {
    expect(can(RA, "volunteer.read", person("own"))).toBe(false);
    expect(can(RA, "volunteer.readPersonal", person("own"))).toBe(false);
    expect(can(RA, "volunteer.list", { stationId: A.station, teamId: null, squadId: null, status: "ACTIVE" })).toBe(false);
    expect(can(RA, "team.read", { stationId: A.station, teamId: A.team })).toBe(false);
  });

  it("shows a pending applicant to the team's leaders and the station's officers only, and grants them nothing", () => {
    const applicant: PersonFacts = { volunteerId: "vol-applicant", stationIds: [], teamIds: [], squadIds: [], partnerId: null, pendingTeams: [{ teamId: A.team, stationId: A.station }] };
    expect(can(TL, "volunteer.readPersonal", applicant)).toBe(true);
    expect(can(O, "volunteer.readPersonal", applicant)).toBe(true);
    expect(can(ROLES.V!, "volunteer.read", applicant)).toBe(false);
    expect(can(ROLES.SL!, "volunteer.readPersonal", applicant)).toBe(false);
    // Not a member yet: no one can assign them a shift or add them to a squad of the station.
    expect(can(O, "shift.assign", { shift: { stationId: A.station, teamId: A.team, squadId: null }, person: applicant })).toBe(false);
    expect(can(O, "squad.addMember", { squad: { stationId: A.station, teamId: A.team, squadId: A.squad }, person: applicant })).toBe(false);
    expect(can(O, "volunteer.manage", { person: applicant, stationId: A.station })).toBe(false);
  });

  it("lets officers manage someone they suspended, but not someone who left", () => {
    const suspended: PersonFacts = { volunteerId: "vol-s", stationIds: [], teamIds: [], squadIds: [], partnerId: null, suspendedStationIds: [A.station] };
    const left: PersonFacts = { volunteerId: "vol-l", stationIds: [], teamIds: [], squadIds: [], partnerId: null };
    expect(can(O, "volunteer.manage", { person: suspended, stationId: A.station })).toBe(true);
    expect(can(O, "volunteer.readPersonal", suspended)).toBe(true);
    expect(can(TL, "volunteer.readPersonal", suspended)).toBe(false);
    expect(can(O, "volunteer.manage", { person: left, stationId: A.station })).toBe(false);
    expect(can(O, "volunteer.readPersonal", left)).toBe(false);
    // Suspended at another station too: an officer of one cannot reset the account.
    expect(can(O, "account.manage", { ...person("own"), suspendedStationIds: [B.station] })).toBe(false);
  });

  it("shows an ACTIVE membership to the station, a pending one to its deciders", () => {
    const m = (status: "ACTIVE" | "PENDING") => ({ stationId: A.station, teamId: A.team, volunteerId: "vol-x", status });
    expect(can(ROLES.V!, "membership.read", m("ACTIVE"))).toBe(true);
    expect(can(ROLES.V!, "membership.read", m("PENDING"))).toBe(false);
    expect(can(base({ volunteerId: "vol-x" }), "membership.read", m("PENDING"))).toBe(true);
  });

  it("lets leaders list their own team's active and pending people only", () => {
    expect(can(TL, "volunteer.list", { stationId: A.station, teamId: A.team, squadId: null, status: "PENDING" })).toBe(true);
    expect(can(TL, "volunteer.list", { stationId: A.station, teamId: A.team, squadId: null, status: "SUSPENDED" })).toBe(false);
    expect(can(TL, "volunteer.list", { stationId: A.station, teamId: null, squadId: null, status: "ACTIVE" })).toBe(false);
    expect(can(TL, "volunteer.list", { stationId: A.station, teamId: A.team2, squadId: null, status: "ACTIVE" })).toBe(false);
    expect(can(ROLES.SL!, "volunteer.list", { stationId: A.station, teamId: null, squadId: A.squad, status: "ACTIVE" })).toBe(true);
    expect(can(ROLES.SL!, "volunteer.list", { stationId: A.station, teamId: A.team, squadId: null, status: "ACTIVE" })).toBe(false);
  });
});

describe("deny by default in the schema", () => {
  // Fields whose values are personal data, wherever they appear.
  const PERSONAL = /^(phone|idNumber|legalName|contactName|contactPhone|volunteerName|address|contactWhileAway)$/;
  // `name` is a legal name on these person types.
  const PERSON_TYPES = new Set(["Volunteer", "Enrollment", "MediationParty", "HomeWatchRequest", "HomeWatchDetails"]);
  // Not a person's data: the viewer's own phone (shown only to the viewer), a police station's address.
  const OWN = new Set(["Viewer.phone", "Station.address"]);

  it("gives every Node type an access rule", async () => {
    const { schema } = await import("../api/src/schema/index.js");
    const missing = Object.values(schema.getTypeMap())
      .filter((t): t is GraphQLObjectType => t instanceof GraphQLObjectType && t.getInterfaces().some((i) => i.name === "Node"))
      .filter((t) => !(t.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes)
      .map((t) => t.name);
    expect(missing).toEqual([]);
  });

  it("names the policy action that decides every field with personal data", async () => {
    const { schema } = await import("../api/src/schema/index.js");
    const unmarked: string[] = [];
    for (const t of Object.values(schema.getTypeMap())) {
      if (!(t instanceof GraphQLObjectType) || t.name.startsWith("__")) continue;
      for (const f of Object.values(t.getFields()) as GraphQLField<unknown, unknown>[]) {
        const personal = PERSONAL.test(f.name) || (f.name === "name" && PERSON_TYPES.has(t.name));
        const action = (f.extensions as { pothosOptions?: { extensions?: { personalData?: string } } }).pothosOptions?.extensions?.personalData ?? (f.extensions as { personalData?: string }).personalData;
        if (personal && !OWN.has(`${t.name}.${f.name}`) && !(action && ACTIONS.includes(action as Action))) unmarked.push(`${t.name}.${f.name}`);
      }
    }
    expect(unmarked).toEqual([]);
  });
});
