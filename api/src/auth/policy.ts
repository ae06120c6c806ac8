// The one place that decides who may do what. Every GraphQL type's authScopes, every `viewerCan*`
// field, every service before it writes and every subscription asks `can` or `assert` here.
//
// Decisions are pure: they read the viewer (loaded once per request from the database) and facts
// about the resource that the caller took from the resource's own rows (its station, team, squad,
// the person's memberships), never from the input alone. Unit-tested as a role × station × action
// matrix in test/policy.test.ts, without a database.
import type { NotificationKind } from "../generated/prisma/client.js";
import { UserFacingError } from "../graphql/errors.js";
import { msg } from "../i18n.js";
import type { Viewer } from "./viewer.js";

// ── Facts about resources ─────────────────────────────────────────────────────────────────────

export interface StationFacts {
  stationId: string;
}
export interface TeamFacts {
  stationId: string;
  teamId: string;
}
export interface SquadFacts {
  stationId: string;
  teamId: string;
  squadId: string;
}
/** A volunteer and where they belong: their active memberships (from the membership rows). */
export interface PersonFacts {
  volunteerId: string;
  stationIds: readonly string[];
  teamIds: readonly string[];
  squadIds: readonly string[];
  /** 共建单位 the volunteer comes from */
  partnerId: string | null;
  /** The account holds a granted role (officer, partner admin, region admin, admin). */
  hasGrantedRole?: boolean;
  /** Teams the person asked to join (PENDING): their leaders and officers decide, so they see the applicant. */
  pendingTeams?: readonly { teamId: string; stationId: string }[];
  /** Stations that suspended the person: still theirs to manage (and to lift the suspension). */
  suspendedStationIds?: readonly string[];
  /** Stations the person left: their officers still see the public profile in the list of former members. */
  formerStationIds?: readonly string[];
}
export interface RegionFacts {
  regionId: string;
}
/** A role to grant, revoke or read, and where it applies (from the rows: a partner's station …). */
export type RoleFacts =
  | { role: "REGION_ADMIN"; regionId: string }
  | { role: "OFFICER"; stationId: string }
  | { role: "PARTNER_ADMIN"; stationId: string; partnerId: string }
  /** Platform admins are made with the CLI (`pnpm linshe admin create`), never granted through the API. */
  | { role: "ADMIN" };
/** Whose list of volunteers: a station's, or one team or squad of it (for its leaders). */
export interface MemberListFacts {
  stationId: string;
  /** a team of that station */
  teamId: string | null;
  /** a squad of that station */
  squadId: string | null;
  /** leaders see ACTIVE and PENDING people; suspended and former ones are the officers' */
  status: "ACTIVE" | "PENDING" | "SUSPENDED" | "LEFT";
}
export interface ShiftFacts {
  stationId: string;
  teamId: string;
  squadId: string | null;
}
export interface ClaimFacts {
  volunteerId: string;
  /** the volunteer's 共建单位, for its admin following rotation shifts */
  partnerId: string | null;
  shift: ShiftFacts;
  /** the 共建单位 the shift was given to (轮流出人), if any */
  rotationPartnerId?: string | null;
  /** put on the shift by someone else (a leader, the partner's admin), not claimed by the volunteer */
  assigned?: boolean;
}
export interface PartnerFacts {
  stationId: string;
  partnerId: string;
}
export interface GoodDeedFacts {
  stationId: string;
  teamId: string;
  submittedById: string;
  volunteerId: string | null;
}
export interface EditionFacts {
  stationId: string;
  withdrawn: boolean;
}
export interface MembershipFacts {
  stationId: string;
  teamId: string;
  /** role of the membership being changed (removing a leader needs an officer) */
  role?: "MEMBER" | "LEADER";
  /** the person leads a squad of this team (removing them from the team removes a squad leader) */
  leadsSquad?: boolean;
}
/** 巡逻发现: where it belongs, who reported it and who it is assigned to (from the report's row). */
export interface PatrolReportFacts {
  stationId: string;
  reporterAccountId: string;
  assignedTeamId: string | null;
  assignedPartnerId: string | null;
}
/** A mediation case and the volunteers among its mediators. */
export interface MediationCaseFacts {
  stationId: string;
  mediatorVolunteerIds: readonly string[];
}
/** A mediator's profile (警调超市). */
export interface MediatorFacts {
  stationId: string;
  /** on the list (officers take a mediator off it for now) */
  active: boolean;
  /** a volunteer mediator still an active member of the station (not suspended, not gone); a named person always */
  atStation: boolean;
}
/** A home-watch request, the team that visits and the volunteers on its shifts. */
export interface HomeWatchFacts {
  stationId: string;
  teamId: string | null;
  visitorVolunteerIds: readonly string[];
}
/** A logged home-watch visit. */
export interface HomeWatchVisitFacts {
  stationId: string;
  teamId: string | null;
  /** who logged it (null: a leader or an officer) */
  volunteerId: string | null;
  /** the volunteers on the request's visits (they read its address, and what the visits found) */
  visitorVolunteerIds: readonly string[];
}
export interface MobilizationFacts {
  stationId: string;
  /** the account that started it */
  startedById: string;
  /** the station lets leaders start (and run their own) call-ups */
  leadersMayMobilize: boolean;
}
/** Something that belongs to a person at one station: their points there, their certificate. */
export interface PersonAtStation {
  person: PersonFacts;
  stationId: string;
}

// ── Questions about the viewer ────────────────────────────────────────────────────────────────

const officerOf = (v: Viewer | null, stationId: string) => !!v && (v.isAdmin || v.officerStationIds.has(stationId));
const leadsTeam = (v: Viewer | null, teamId: string) => !!v && v.teams.get(teamId)?.role === "LEADER";
const leadsSquad = (v: Viewer | null, squadId: string) => !!v && v.squads.get(squadId)?.role === "LEADER";
const memberOfTeam = (v: Viewer | null, teamId: string) => !!v && v.teams.has(teamId);
const memberOfStation = (v: Viewer | null, stationId: string) => !!v && [...v.teams.values()].some((t) => t.stationId === stationId);
const leadsInStation = (v: Viewer | null, stationId: string) =>
  !!v && [...v.teams.values()].some((t) => t.stationId === stationId && t.role === "LEADER");
/** Leads a team or a squad of the station. */
const leaderInStation = (v: Viewer | null, stationId: string) =>
  leadsInStation(v, stationId) || (!!v && [...v.squads.values()].some((s) => s.role === "LEADER" && v.teams.get(s.teamId)?.stationId === stationId));
const runsMobilization = (v: Viewer | null, m: MobilizationFacts) =>
  officerOf(v, m.stationId) || (m.leadersMayMobilize && !!v && v.accountId === m.startedById && leaderInStation(v, m.stationId));
/** Leads a squad of a team of this station. */
const leadsSquadInStation = (v: Viewer | null, stationId: string) =>
  !!v && [...v.squads.values()].some((q) => q.role === "LEADER" && v.teams.get(q.teamId)?.stationId === stationId);
const partnerAdminOf = (v: Viewer | null, partnerId: string) => !!v && (v.isAdmin || v.partnerAdminOf.has(partnerId));
const self = (v: Viewer | null, volunteerId: string) => !!v?.volunteerId && v.volunteerId === volunteerId;
/** 区域管理员: the stations of their regions (structure and officers, not the volunteers' data). */
const regionAdminOf = (v: Viewer | null, regionId: string) => !!v && (v.isAdmin || v.regionAdminOf.has(regionId));
const regionAdminOfStation = (v: Viewer | null, stationId: string) => !!v && (v.isAdmin || v.regionStationIds.has(stationId));
/** Someone who asked to join a team the viewer decides on, or whom a station of the viewer's suspended. */
const applicantOrSuspended = (v: Viewer | null, p: PersonFacts) =>
  (p.pendingTeams ?? []).some((t) => officerOf(v, t.stationId) || leadsTeam(v, t.teamId)) || (p.suspendedStationIds ?? []).some((s) => officerOf(v, s));

/** Stations whose data the viewer may read: officers', member teams', their partners'. */
export function seesStation(v: Viewer | null, stationId: string): boolean {
  if (!v) return false;
  if (v.isAdmin || v.officerStationIds.has(stationId) || memberOfStation(v, stationId)) return true;
  for (const s of v.partnerAdminOf.values()) if (s === stationId) return true;
  return false;
}

/**
 * The station's call-ups a viewer may list (mobilization.read for a whole list): all of them for who has
 * the command view, else those that called the viewer.
 */
export function mobilizationListFilter(
  v: Viewer | null,
  stationId: string,
): { OR?: [{ responders: { some: { volunteerId: string } } }, { callQueue: { is: { volunteerIds: { has: string } } } }] } | null {
  if (officerOf(v, stationId) || leaderInStation(v, stationId)) return {};
  // Called: a responder row, or still in the queue of a wave that announced it (deliver first: told, row not stored yet) — as calledBy.
  return v?.volunteerId && memberOfStation(v, stationId)
    ? { OR: [{ responders: { some: { volunteerId: v.volunteerId } } }, { callQueue: { is: { volunteerIds: { has: v.volunteerId } } } }] }
    : null;
}

/**
 * A Prisma filter on a station id for lists that mix stations (a person's memberships and claims):
 * rows of stations the viewer cannot see are left out, so not even their cursors or count show.
 */
export function visibleStationFilter(v: Viewer | null): { in: string[] } | undefined {
  if (v?.isAdmin) return undefined;
  return { in: v ? visibleStationIds(v) : [] };
}

/**
 * The stations whose shifts the viewer may read (shift.read: seesStation), as a Prisma filter for lists of
 * the viewer's own claims: a claim at a station the person left stays in the database, its shift's
 * briefing is no longer theirs to read (in the app or in the calendar feed).
 */
export function readableShiftStations(v: Viewer | null): { in: string[] } | undefined {
  if (v?.isAdmin) return undefined;
  if (!v) return { in: [] };
  return { in: [...new Set([...v.officerStationIds, ...[...v.teams.values()].map((t) => t.stationId), ...v.partnerAdminOf.values()])] };
}

export function visibleStationIds(v: Viewer): string[] {
  return [...new Set([...v.officerStationIds, ...[...v.teams.values()].map((t) => t.stationId), ...v.partnerAdminOf.values(), ...v.regionStationIds])];
}

/** The person, their team and squad leaders, and the officers of a station they belong to. */
function seesPersonalData(v: Viewer | null, p: PersonFacts): boolean {
  if (!v) return false;
  if (v.isAdmin || self(v, p.volunteerId)) return true;
  return (
    p.stationIds.some((s) => v.officerStationIds.has(s)) ||
    p.teamIds.some((t) => leadsTeam(v, t)) ||
    p.squadIds.some((s) => leadsSquad(v, s)) ||
    applicantOrSuspended(v, p)
  );
}

/** Who grants what: admins grant region admins, region admins officers of their stations, officers partner admins of their partners. */
function grants(v: Viewer | null, r: RoleFacts): boolean {
  if (!v) return false;
  if (r.role === "REGION_ADMIN") return v.isAdmin;
  if (r.role === "OFFICER") return regionAdminOfStation(v, r.stationId);
  if (r.role === "PARTNER_ADMIN") return officerOf(v, r.stationId);
  return false;
}

/** Holders of the same role in the same place see each other (a station's officers, a partner's admins …). */
function colleague(v: Viewer | null, r: RoleFacts): boolean {
  if (!v) return false;
  if (r.role === "REGION_ADMIN") return v.regionAdminOf.has(r.regionId);
  if (r.role === "OFFICER") return v.officerStationIds.has(r.stationId);
  if (r.role === "PARTNER_ADMIN") return v.partnerAdminOf.has(r.partnerId);
  return v.isAdmin;
}

/**
 * A case's mediator or a home-watch visitor acts for the station only while they belong to it: a
 * volunteer who left or was suspended keeps their claim or mediator row, not the parties' phones or
 * the address (the viewer's teams hold active memberships only).
 */
const mediatesCase = (v: Viewer | null, r: MediationCaseFacts) => memberOfStation(v, r.stationId) && r.mediatorVolunteerIds.some((id) => self(v, id));
const visitsFor = (v: Viewer | null, stationId: string, visitors: readonly string[]) => memberOfStation(v, stationId) && visitors.some((id) => self(v, id));
const runsShift = (v: Viewer | null, s: ShiftFacts) => officerOf(v, s.stationId) || leadsTeam(v, s.teamId) || (!!s.squadId && leadsSquad(v, s.squadId));
const belongsTo = (p: PersonFacts, stationId: string) => p.stationIds.includes(stationId);

// ── The catalogue of actions ──────────────────────────────────────────────────────────────────
// Every action names the facts it decides on. Deny is the default: an action not listed here does
// not type-check, and a Node type or personal-data field without a rule fails test/policy.test.ts.

const rules = {
  // Regions, stations, communities, grids
  "region.create": (v: Viewer | null, _r: null) => !!v?.isAdmin,
  "region.read": (v: Viewer | null, r: RegionFacts) => regionAdminOf(v, r.regionId),
  "station.create": (v: Viewer | null, r: RegionFacts) => regionAdminOf(v, r.regionId),
  /** The station itself, its communities and grids: its people, and the admins of its region. */
  "station.read": (v: Viewer | null, r: StationFacts) => seesStation(v, r.stationId) || regionAdminOfStation(v, r.stationId),
  "station.update": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId) || regionAdminOfStation(v, r.stationId),
  "station.manage": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  "community.manage": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId) || regionAdminOfStation(v, r.stationId),
  "grid.manage": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId) || regionAdminOfStation(v, r.stationId),

  // Granted roles
  "role.grant": (v: Viewer | null, r: RoleFacts) => grants(v, r),
  /** Those who grant it, the holder, and holders of the same role in the same place. */
  "role.read": (v: Viewer | null, r: RoleFacts & { accountId: string }) => grants(v, r) || (!!v && v.accountId === r.accountId) || colleague(v, r),

  // Teams, squads, memberships
  "team.read": (v: Viewer | null, r: TeamFacts) => seesStation(v, r.stationId),
  "team.create": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  "team.update": (v: Viewer | null, r: TeamFacts) => officerOf(v, r.stationId) || leadsTeam(v, r.teamId),
  /**
   * Only officers add the station's people to a team (others join by accepting an invitation): a
   * leader who could add anyone would thereby read anyone's personal data.
   */
  "team.addMember": (v: Viewer | null, r: { team: TeamFacts; person: PersonFacts }) => officerOf(v, r.team.stationId) && belongsTo(r.person, r.team.stationId),
  "team.removeMember": (v: Viewer | null, r: MembershipFacts) =>
    officerOf(v, r.stationId) || (leadsTeam(v, r.teamId) && r.role !== "LEADER" && !r.leadsSquad),
  /** Leader roles change only by officers. */
  "team.setRole": (v: Viewer | null, r: TeamFacts) => officerOf(v, r.stationId),
  "squad.create": (v: Viewer | null, r: TeamFacts) => officerOf(v, r.stationId) || leadsTeam(v, r.teamId),
  "squad.update": (v: Viewer | null, r: SquadFacts) => officerOf(v, r.stationId) || leadsTeam(v, r.teamId) || leadsSquad(v, r.squadId),
  /** Officers and the team's leaders (who already see every member); a squad leader would widen their own view. */
  "squad.addMember": (v: Viewer | null, r: { squad: SquadFacts; person: PersonFacts }) =>
    (officerOf(v, r.squad.stationId) || leadsTeam(v, r.squad.teamId)) && r.person.teamIds.includes(r.squad.teamId),
  "squad.removeMember": (v: Viewer | null, r: SquadFacts & { role?: "MEMBER" | "LEADER" }) =>
    officerOf(v, r.stationId) || ((leadsTeam(v, r.teamId) || leadsSquad(v, r.squadId)) && r.role !== "LEADER"),
  "squad.setLeader": (v: Viewer | null, r: SquadFacts) => officerOf(v, r.stationId),
  /** An ACTIVE membership: anyone of the station; a pending, suspended or ended one: the person, the team's leaders, officers. */
  "membership.read": (v: Viewer | null, r: { stationId: string; teamId: string; volunteerId: string; status: "ACTIVE" | "PENDING" | "SUSPENDED" | "LEFT" }) =>
    self(v, r.volunteerId) || (r.status === "ACTIVE" ? seesStation(v, r.stationId) : officerOf(v, r.stationId) || leadsTeam(v, r.teamId)),
  /** Deciding on someone who asked to join through an invitation. */
  "membership.approve": (v: Viewer | null, r: TeamFacts) => officerOf(v, r.stationId) || leadsTeam(v, r.teamId),
  /** 邀请: links and QR posters of a team. */
  "invite.manage": (v: Viewer | null, r: TeamFacts) => officerOf(v, r.stationId) || leadsTeam(v, r.teamId),

  // Volunteers and their accounts
  /** The public profile (display name, specialties): the person and anyone of a station they belong to. */
  "volunteer.read": (v: Viewer | null, p: PersonFacts) =>
    self(v, p.volunteerId) || p.stationIds.some((s) => seesStation(v, s)) || applicantOrSuspended(v, p) || !!p.formerStationIds?.some((s) => officerOf(v, s)),
  "volunteer.readPersonal": (v: Viewer | null, p: PersonFacts) => seesPersonalData(v, p),
  /** Registering one resident or importing a sheet of them. */
  "volunteer.register": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** A registration (登记): the station's officers, and the account of the phone it names (to accept or decline it). */
  "enrollment.read": (v: Viewer | null, r: StationFacts & { phone: string }) => officerOf(v, r.stationId) || (!!v && v.phone === r.phone),
  /**
   * The legal name, ID number and phone the officer typed: the station's officers, and once the person
   * accepted (`person`, the volunteer it became) only while they may see that person's personal data (not
   * after the person left). The phone's account sees them masked: anyone may have opened that account on a
   * join page with the phone (nothing proves it).
   */
  "enrollment.readPersonal": (v: Viewer | null, r: StationFacts & { person: PersonFacts | null }) =>
    officerOf(v, r.stationId) && (!r.person || seesPersonalData(v, r.person)),
  /** The registered phone: as the rest, and for the phone's own account. */
  "enrollment.readPhone": (v: Viewer | null, r: StationFacts & { phone: string; person: PersonFacts | null }) =>
    (!!v && v.phone === r.phone) || (officerOf(v, r.stationId) && (!r.person || seesPersonalData(v, r.person))),
  /** The member list: a station's officers; a team's or squad's leaders for their own team or squad. */
  "volunteer.list": (v: Viewer | null, r: MemberListFacts) =>
    officerOf(v, r.stationId) ||
    ((r.status === "ACTIVE" || r.status === "PENDING") &&
      ((!!r.teamId && leadsTeam(v, r.teamId) && v!.teams.get(r.teamId)?.stationId === r.stationId) ||
        (!!r.squadId &&
          leadsSquad(v, r.squadId) &&
          (!r.teamId || v!.squads.get(r.squadId)!.teamId === r.teamId) &&
          v!.teams.get(v!.squads.get(r.squadId)!.teamId)?.stationId === r.stationId))),
  /** Status, squads, specialties of a station's volunteer (active or suspended there). */
  "volunteer.manage": (v: Viewer | null, r: PersonAtStation) =>
    officerOf(v, r.stationId) && (belongsTo(r.person, r.stationId) || !!r.person.suspendedStationIds?.includes(r.stationId)),
  /** The member list as a spreadsheet (audited). */
  "volunteer.export": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  "volunteer.updateOwn": (v: Viewer | null, p: { volunteerId: string }) => self(v, p.volunteerId),
  /**
   * A leader's phone on the shifts they lead: whoever sees their personal data anyway, and, when the
   * leader consented to share it (`sharePhoneWithTeam`), the members of the teams they belong to.
   */
  "volunteer.readSharedPhone": (v: Viewer | null, r: { person: PersonFacts; shared: boolean }) =>
    seesPersonalData(v, r.person) || (r.shared && r.person.teamIds.some((t) => memberOfTeam(v, t))),
  /**
   * Disabling an account or resetting its password reaches every station the person belongs to: only
   * officers over all of them, and never over someone who holds a granted role.
   */
  "account.manage": (v: Viewer | null, p: PersonFacts) => {
    const stations = [...new Set([...p.stationIds, ...(p.suspendedStationIds ?? [])])];
    return !!v && !p.hasGrantedRole && stations.length > 0 && stations.every((s) => officerOf(v, s)) && !self(v, p.volunteerId);
  },

  // Shifts, claims, check-ins
  "shift.read": (v: Viewer | null, s: ShiftFacts) => seesStation(v, s.stationId),
  /** Officers anywhere in the station; team leaders in their team; squad leaders only for their squad. */
  "shift.publish": (v: Viewer | null, s: ShiftFacts) => runsShift(v, s),
  "shift.manage": (v: Viewer | null, s: ShiftFacts) => runsShift(v, s),
  /** Claiming for oneself; the claim's own rules (squad, specialty, overlap, window) are checked on the locked rows. */
  "shift.claim": (v: Viewer | null, s: ShiftFacts) => !!v?.volunteerId && memberOfTeam(v, s.teamId) && (!s.squadId || v.squads.has(s.squadId)),
  /** Who else is going (display names): those who may claim the shift, and those who run it. */
  "shift.readGoing": (v: Viewer | null, s: ShiftFacts) => runsShift(v, s) || (memberOfTeam(v, s.teamId) && (!s.squadId || !!v?.squads.has(s.squadId))),
  "shift.assign": (v: Viewer | null, r: { shift: ShiftFacts; person: PersonFacts }) => runsShift(v, r.shift) && belongsTo(r.person, r.shift.stationId),
  "claim.read": (v: Viewer | null, c: ClaimFacts) =>
    self(v, c.volunteerId) ||
    runsShift(v, c.shift) ||
    // The partner's admin, for shifts at the partner's own station only (its people may serve elsewhere too).
    (!!c.partnerId && v?.partnerAdminOf.get(c.partnerId) === c.shift.stationId),
  "claim.cancel": (v: Viewer | null, c: ClaimFacts) =>
    self(v, c.volunteerId) ||
    runsShift(v, c.shift) ||
    // The partner's admin takes back whom they sent: its own people, on a shift given to the partner, at its station.
    // Not a person's own sign-up: that is theirs to cancel, not their unit's.
    (!!c.assigned && !!c.rotationPartnerId && c.partnerId === c.rotationPartnerId && v?.partnerAdminOf.get(c.rotationPartnerId) === c.shift.stationId),
  "claim.checkInSelf": (v: Viewer | null, c: ClaimFacts) => self(v, c.volunteerId) || runsShift(v, c.shift),
  /** 代签到: a leader or officer checks someone in; not themselves (they check in as everyone does: post code, place). */
  "claim.checkInOthers": (v: Viewer | null, c: ClaimFacts) => runsShift(v, c.shift) && !self(v, c.volunteerId),
  /** 代签退: who runs the shift, their own claim too (a check-out needs no post code or place from anyone). */
  "claim.checkOutOthers": (v: Viewer | null, c: ClaimFacts) => runsShift(v, c.shift),
  /** The patrol watch of a station: its officers, its team leaders for their teams, its squad leaders for their squads. */
  "patrol.watch": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId) || leadsInStation(v, r.stationId) || leadsSquadInStation(v, r.stationId),
  "patrol.readEvent": (v: Viewer | null, r: ShiftFacts) => runsShift(v, r),

  // Recognition
  "goodDeed.submit": (v: Viewer | null, t: TeamFacts) => officerOf(v, t.stationId) || memberOfTeam(v, t.teamId),
  "goodDeed.read": (v: Viewer | null, d: GoodDeedFacts) =>
    officerOf(v, d.stationId) || leadsTeam(v, d.teamId) || (!!v && v.accountId === d.submittedById) || (!!d.volunteerId && self(v, d.volunteerId)),
  /** Nobody reviews a deed of their own (an officer who is also a volunteer): its points would be theirs. */
  "goodDeed.review": (v: Viewer | null, d: StationFacts & { volunteerId?: string | null }) => officerOf(v, d.stationId) && !(d.volunteerId && self(v, d.volunteerId)),
  "commendation.read": (v: Viewer | null, r: StationFacts) => seesStation(v, r.stationId),
  "board.publish": (v: Viewer | null, t: TeamFacts) => officerOf(v, t.stationId) || leadsTeam(v, t.teamId),
  /** Published editions are public; a withdrawn one only for the station's people. */
  "board.read": (v: Viewer | null, e: EditionFacts) => !e.withdrawn || seesStation(v, e.stationId),

  // Points: they belong to a station
  "points.read": (v: Viewer | null, r: PersonAtStation) =>
    !!v &&
    (v.isAdmin ||
      self(v, r.person.volunteerId) ||
      (belongsTo(r.person, r.stationId) &&
        (officerOf(v, r.stationId) ||
          r.person.teamIds.some((t) => leadsTeam(v, t) && v.teams.get(t)?.stationId === r.stationId) ||
          r.person.squadIds.some((s) => leadsSquad(v, s) && v.teams.get(v.squads.get(s)!.teamId)?.stationId === r.stationId)))),
  /** Never one's own points (an officer who is also a volunteer of the station). */
  "points.adjust": (v: Viewer | null, r: PersonAtStation) => officerOf(v, r.stationId) && belongsTo(r.person, r.stationId) && !self(v, r.person.volunteerId),
  "points.reverse": (v: Viewer | null, r: StationFacts & { volunteerId: string }) => officerOf(v, r.stationId) && !self(v, r.volunteerId),
  "points.rules": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  "certificate.read": (v: Viewer | null, r: PersonAtStation) => self(v, r.person.volunteerId) || (officerOf(v, r.stationId) && belongsTo(r.person, r.stationId)),
  "reward.read": (v: Viewer | null, r: StationFacts) => seesStation(v, r.stationId),
  "reward.manage": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** Points earned at a station are spent at that station, by its own volunteers. */
  "reward.redeem": (v: Viewer | null, r: StationFacts) => !!v?.volunteerId && memberOfStation(v, r.stationId),
  "redemption.read": (v: Viewer | null, r: PersonAtStation) => self(v, r.person.volunteerId) || officerOf(v, r.stationId),
  /** The station's officers hand out rewards; an officer who is also a volunteer not their own. */
  "redemption.handOut": (v: Viewer | null, r: StationFacts & { volunteerId?: string | null }) => officerOf(v, r.stationId) && !(r.volunteerId && self(v, r.volunteerId)),

  // Co-building
  "partner.read": (v: Viewer | null, p: PartnerFacts) => seesStation(v, p.stationId),
  /** The partner's contact person and its volunteers: the station's officers and the partner's admins. */
  "partner.readPrivate": (v: Viewer | null, p: PartnerFacts) => officerOf(v, p.stationId) || partnerAdminOf(v, p.partnerId),
  "partner.create": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  "agreement.read": (v: Viewer | null, a: PartnerFacts) => officerOf(v, a.stationId) || partnerAdminOf(v, a.partnerId),
  "agreement.draft": (v: Viewer | null, p: PartnerFacts) => officerOf(v, p.stationId),
  "agreement.actForStation": (v: Viewer | null, a: PartnerFacts) => officerOf(v, a.stationId),
  "agreement.actForPartner": (v: Viewer | null, a: PartnerFacts) => partnerAdminOf(v, a.partnerId),
  "rotation.assign": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** A partner's admin staffs its rotation shifts with the partner's own volunteers of that station. */
  "rotation.fill": (v: Viewer | null, r: { partner: PartnerFacts; person: PersonFacts }) =>
    partnerAdminOf(v, r.partner.partnerId) && r.person.partnerId === r.partner.partnerId && belongsTo(r.person, r.partner.stationId),

  // Casework: patrol findings (巡逻发现), mediation (警民联调), holiday home-watch (长假照看)
  /** Any active member of the station reports what a patrol found; its officers too. */
  "patrolReport.submit": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId) || memberOfStation(v, r.stationId),
  /** The station's officers, the reporter (to see the outcome), and whoever it is assigned to. */
  "patrolReport.read": (v: Viewer | null, r: PatrolReportFacts) =>
    officerOf(v, r.stationId) ||
    (!!v && v.accountId === r.reporterAccountId) ||
    (!!r.assignedTeamId && leadsTeam(v, r.assignedTeamId) && v!.teams.get(r.assignedTeamId)!.stationId === r.stationId) ||
    (!!r.assignedPartnerId && partnerAdminOf(v, r.assignedPartnerId) && v!.partnerAdminOf.get(r.assignedPartnerId) === r.stationId),
  /** Assigning, referring, rejecting, the queue, its numbers and the live command view: officers. */
  "patrolReport.triage": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** Resolving: officers, or the team (its leaders) or partner (its admins) it is assigned to. */
  "patrolReport.resolve": (v: Viewer | null, r: PatrolReportFacts) =>
    officerOf(v, r.stationId) ||
    (!!r.assignedTeamId && leadsTeam(v, r.assignedTeamId) && v!.teams.get(r.assignedTeamId)!.stationId === r.stationId) ||
    (!!r.assignedPartnerId && partnerAdminOf(v, r.assignedPartnerId) && v!.partnerAdminOf.get(r.assignedPartnerId) === r.stationId),
  /** 警调超市 profiles are public while active; a withdrawn one only for the station's own people. */
  /**
   * A profile on the public list is public; one taken off it, or of a volunteer suspended at or gone from the
   * station, only for the station's own people (its officers see it with its status), as if unknown to others.
   */
  "mediator.read": (v: Viewer | null, r: MediatorFacts) => (r.active && r.atStation) || seesStation(v, r.stationId),
  "mediator.manage": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  "mediationCase.open": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** A case: the station's officers and the case's own mediators while they belong to the station, nobody else. */
  "mediationCase.read": (v: Viewer | null, r: MediationCaseFacts) => officerOf(v, r.stationId) || mediatesCase(v, r),
  /** Parties' names and phones: the same people; masked for anyone else. */
  "mediationCase.readParties": (v: Viewer | null, r: MediationCaseFacts) => officerOf(v, r.stationId) || mediatesCase(v, r),
  /** Sessions and the outcome: the case's mediators and the station's officers. */
  "mediationCase.work": (v: Viewer | null, r: MediationCaseFacts) => officerOf(v, r.stationId) || mediatesCase(v, r),
  "mediation.stats": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** The public form: anyone, without an account (rate limited); it writes only into the named station. */
  "homeWatch.request": (_v: Viewer | null, _r: StationFacts) => true,
  "homeWatch.decide": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** A request: the station's officers and the leaders of the team that visits. */
  "homeWatch.read": (v: Viewer | null, r: HomeWatchFacts) => officerOf(v, r.stationId) || (!!r.teamId && leadsTeam(v, r.teamId)),
  /** Name, phone, address, contact: those who read the request and the volunteers who visit. */
  "homeWatch.readPersonal": (v: Viewer | null, r: HomeWatchFacts) =>
    officerOf(v, r.stationId) || (!!r.teamId && leadsTeam(v, r.teamId)) || visitsFor(v, r.stationId, r.visitorVolunteerIds),
  /** Logging a visit on a HOME_WATCH shift: the volunteers on it, its leaders, the station's officers. */
  "homeWatch.logVisit": (v: Viewer | null, r: { shift: ShiftFacts; visitorVolunteerIds: readonly string[] }) =>
    runsShift(v, r.shift) || visitsFor(v, r.shift.stationId, r.visitorVolunteerIds),
  /** A visit: as for the request's personal data (the next visitor learns what the last one found), and its own visitor. */
  "homeWatch.readVisit": (v: Viewer | null, r: HomeWatchVisitFacts) =>
    officerOf(v, r.stationId) || (!!r.teamId && leadsTeam(v, r.teamId)) || visitsFor(v, r.stationId, r.volunteerId ? [r.volunteerId, ...r.visitorVolunteerIds] : r.visitorVolunteerIds),
  // The audit log: a station's entries for its officers; entries of no station (sign-ins) for administrators
  "audit.read": (v: Viewer | null, r: { stationId: string | null }) => (r.stationId ? officerOf(v, r.stationId) : !!v?.isAdmin),
  // Notices: the inbox is the account's own; bulletins and call-ups belong to a station
  "notification.read": (v: Viewer | null, r: { accountId: string }) => !!v && v.accountId === r.accountId,
  /** 常驻网格: the person sets it, to a grid of a station they belong to. */
  "volunteer.setHomeGrid": (v: Viewer | null, r: PersonAtStation) => self(v, r.person.volunteerId) && belongsTo(r.person, r.stationId),
  "bulletin.publish": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** Public bulletins show on the public board page; the others to the station's officers and to whom they were sent. */
  "bulletin.read": (v: Viewer | null, r: { stationId: string; public: boolean; received: boolean }) =>
    r.public || officerOf(v, r.stationId) || (r.received && seesStation(v, r.stationId)),
  /** Who received and who has not read it. */
  "bulletin.readStats": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId),
  /** 一键召集: officers, and team or squad leaders where the station allows it. */
  "mobilization.start": (v: Viewer | null, r: { stationId: string; leadersMayMobilize: boolean }) =>
    officerOf(v, r.stationId) || (r.leadersMayMobilize && leaderInStation(v, r.stationId)),
  /**
   * A call-up's reason, description (often about a missing person) and place: who has the command view
   * (officers, the station's leaders) and the people it called while they belong to the station — not every
   * member, nor partners' admins (not even one it called who has left since).
   */
  "mobilization.read": (v: Viewer | null, r: { mobilization: MobilizationFacts; called: boolean }) =>
    officerOf(v, r.mobilization.stationId) || leaderInStation(v, r.mobilization.stationId) || (r.called && memberOfStation(v, r.mobilization.stationId)),
  /**
   * Every call-up of the station as it happens (the command view): whoever has the command view
   * (patrol.watch), so not its plain volunteers, who learn of a call-up when they are called.
   */
  "mobilization.watch": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId) || leaderInStation(v, r.stationId),
  /** The responder board and closing: the station's officers, and a leader for a call-up they started. */
  "mobilization.manage": (v: Viewer | null, m: MobilizationFacts) => runsMobilization(v, m),
  /** Only the person called answers, while they belong to the station. */
  "mobilization.respond": (v: Viewer | null, r: { volunteerId: string; stationId: string }) => self(v, r.volunteerId) && memberOfStation(v, r.stationId),
  "responder.read": (v: Viewer | null, r: { volunteerId: string; mobilization: MobilizationFacts }) => self(v, r.volunteerId) || runsMobilization(v, r.mobilization),

  // Statistics: a station's figures for its officers and its region's admins; a region's, side by side, for its admins
  "statistics.read": (v: Viewer | null, r: StationFacts) => officerOf(v, r.stationId) || regionAdminOfStation(v, r.stationId),
  "statistics.readRegion": (v: Viewer | null, r: RegionFacts) => regionAdminOf(v, r.regionId),

  // The public
  "public.read": (_v: Viewer | null, _r: null) => true,
} as const;

export type Action = keyof typeof rules;
export type FactsOf<A extends Action> = Parameters<(typeof rules)[A]>[1];
export const ACTIONS = Object.keys(rules) as Action[];

/** A decision asked for in a GraphQL `authScopes`: `{ policy: check("team.read", facts) }`. */
export type Check = { [A in Action]: readonly [A, FactsOf<A>] }[Action];
export const check = <A extends Action>(action: A, facts: FactsOf<A>) => [action, facts] as unknown as Check;

export function can<A extends Action>(viewer: Viewer | null, action: A, facts: FactsOf<A>): boolean {
  return (rules[action] as (v: Viewer | null, f: FactsOf<A>) => boolean)(viewer, facts);
}

export function decide(viewer: Viewer | null, c: Check): boolean {
  return can(viewer, c[0], c[1] as never);
}

/**
 * Throws FORBIDDEN unless allowed. With `hide`, a viewer who may not even see the resource's
 * station gets the same NOT_FOUND as for a resource that does not exist (no oracle).
 */
export function assert<A extends Action>(
  viewer: Viewer | null,
  action: A,
  facts: FactsOf<A>,
  opts: { message?: string; hide?: { what: string; field: string[]; stationId: string } } = {},
): void {
  if (can(viewer, action, facts)) return;
  if (opts.hide && !seesStation(viewer, opts.hide.stationId)) throw notFoundError(opts.hide.what, opts.hide.field);
  throw new UserFacingError("FORBIDDEN", opts.message ?? msg("没有权限执行此操作", "You are not allowed to do this"));
}

function notFoundError(what: string, field: string[]) {
  return new UserFacingError("NOT_FOUND", msg(`未找到${what}`, `${what} not found`), field);
}

/** Which side of an agreement the viewer may act for (null: neither). */
export function agreementSide(viewer: Viewer | null, a: PartnerFacts, wanted?: "STATION" | "PARTNER" | null): "STATION" | "PARTNER" | null {
  const station = can(viewer, "agreement.actForStation", a);
  const partner = can(viewer, "agreement.actForPartner", a);
  if (wanted === "STATION") return station ? "STATION" : null;
  if (wanted === "PARTNER") return partner ? "PARTNER" : null;
  return station ? "STATION" : partner ? "PARTNER" : null;
}

// ── Notices a person can receive ──────────────────────────────────────────────────────────────
// Who each kind reaches, as the services that write it choose their recipients. A kind added to the
// enum does not type-check until it is given its people here.

/** What the kinds that reach the viewer depend on besides their roles (from their own rows). */
export interface NoticeFacts {
  /** The viewer's volunteer is an active mediator of a station (警调超市): only they are given cases. */
  mediator: boolean;
}
const isVolunteer = (v: Viewer) => !!v.volunteerId;
const isOfficer = (v: Viewer) => v.isAdmin || v.officerStationIds.size > 0;
const leadsATeam = (v: Viewer) => [...v.teams.values()].some((t) => t.role === "LEADER");
const isPartnerAdmin = (v: Viewer) => v.partnerAdminOf.size > 0;
const noticeAudience: Record<NotificationKind, (v: Viewer, f: NoticeFacts) => boolean> = {
  WAITLIST_PROMOTED: isVolunteer,
  SHIFT_REMINDER: isVolunteer,
  SHIFT_CANCELLED: isVolunteer,
  SHIFT_CHANGED: isVolunteer,
  SHIFT_ASSIGNED: isVolunteer,
  SHIFT_REMOVED: isVolunteer,
  /** The volunteer it is about and whoever submitted it (an officer may). */
  GOOD_DEED_APPROVED: (v) => isVolunteer(v) || isOfficer(v),
  GOOD_DEED_REJECTED: (v) => isVolunteer(v) || isOfficer(v),
  BOARD_PUBLISHED: isVolunteer,
  /** The audience's members, and the admins of a partner it names. */
  BULLETIN: (v) => isVolunteer(v) || isPartnerAdmin(v),
  MOBILIZATION: isVolunteer,
  MOBILIZATION_CLOSED: isVolunteer,
  /** The side that signs: the station's officers or the partner's admins. */
  AGREEMENT_TO_SIGN: (v) => isOfficer(v) || isPartnerAdmin(v),
  /** Those who decide: the station's officers and the team's leaders. */
  MEMBERSHIP_REQUESTED: (v) => isOfficer(v) || leadsATeam(v),
  MEMBERSHIP_APPROVED: isVolunteer,
  MEMBERSHIP_REJECTED: isVolunteer,
  MEMBERSHIP_STATUS_CHANGED: isVolunteer,
  /** Nothing writes it (kept for the enum's stored values). */
  ENROLLMENT: () => false,
  /** The reporter: a member of the station or an officer. */
  PATROL_REPORT_UPDATED: (v) => isVolunteer(v) || isOfficer(v),
  /** The officer, the team's leaders or the partner's admins it is assigned to. */
  PATROL_REPORT_ASSIGNED: (v) => isOfficer(v) || leadsATeam(v) || isPartnerAdmin(v),
  HOME_WATCH_REQUESTED: isOfficer,
  HOME_WATCH_PROBLEM: isOfficer,
  MEDIATION_ASSIGNED: (v, f) => isVolunteer(v) && f.mediator,
  /** A role granted or revoked: always shown in the app, not a choice in the settings. */
  OTHER: () => false,
};

/** The notice kinds that can reach the viewer: what their notification settings offer. */
export function receivableNoticeKinds(v: Viewer | null, f: NoticeFacts): NotificationKind[] {
  if (!v) return [];
  return (Object.keys(noticeAudience) as NotificationKind[]).filter((k) => noticeAudience[k](v, f));
}

/** Team ids of a station the viewer leads (filters for leaders' views). */
export function ledTeamIds(v: Viewer | null, stationId: string): string[] {
  return v ? [...v.teams].filter(([, t]) => t.role === "LEADER" && t.stationId === stationId).map(([id]) => id) : [];
}

/** Squad ids of a station the viewer leads (filters for squad leaders' views). */
export function ledSquadIds(v: Viewer | null, stationId: string): string[] {
  return v ? [...v.squads].filter(([, q]) => q.role === "LEADER" && v.teams.get(q.teamId)?.stationId === stationId).map(([id]) => id) : [];
}

/**
 * The teams and squads of a station whose shifts shift.claim lets the viewer claim by membership (a
 * team's shifts without a squad, and its squads' shifts for their members): the shift board's "only
 * mine" filter. Other rules (a specialty, an overlap, a full shift) may still stand in the way.
 */
export function claimableShiftGroups(v: Viewer | null, stationId: string): { teamIds: string[]; squadIds: string[] } {
  if (!v?.volunteerId) return { teamIds: [], squadIds: [] };
  const teamIds = [...v.teams].filter(([, t]) => t.stationId === stationId).map(([id]) => id);
  return { teamIds, squadIds: [...v.squads].filter(([, q]) => teamIds.includes(q.teamId)).map(([id]) => id) };
}

/** Partner ids the viewer acts for. */
export function adminPartnerIds(v: Viewer | null): string[] {
  return v ? [...v.partnerAdminOf.keys()] : [];
}
