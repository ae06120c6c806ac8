import DataLoader from "dataloader";
import { callUpsThatCalled } from "./modules/mobilization/called.js";
import { NOBODY, peopleFacts } from "./auth/facts.js";
import type { PersonFacts } from "./auth/policy.js";
import type { Viewer } from "./auth/viewer.js";
import { clock } from "./clock.js";
import { prisma } from "./db.js";
import type { Locale } from "./i18n.js";
import { fulfilmentOf, type ObligationFulfilment } from "./modules/partner/fulfilment.service.js";
import type { ShiftLike } from "./modules/shift/shift.rules.js";

export interface Context {
  viewer: Viewer | null;
  /** The language of messages in this response. */
  locale: Locale;
  /** The caller's network address, for the audit log and rate limits. */
  clientAddress: string | null;
  loaders: Loaders;
}

type AgreementKey = { id: string; partnerId: string; currentVersion: number };

/** A shift as scope checks on its claims read it (one batched read per request serves them all). */
export type ShiftScope = Omit<ShiftLike, "id">;

/**
 * Per-request loaders for facts the GraphQL types need beside what Prisma selects. Each is made on
 * first use: a request (or a subscription event) uses few of them, and a subscription keeps its
 * context for the socket's life.
 */
export class Loaders {
  #fulfilmentByInstant?: Map<number, DataLoader<AgreementKey, ObligationFulfilment[], string>>;

  constructor(
    private readonly viewerVolunteerId: string | null = null,
    private readonly viewerAccountId: string | null = null,
  ) {}

  /** Fulfilment of agreements at one instant, batched across a page of agreements. */
  fulfilment(at: Date) {
    const byInstant = (this.#fulfilmentByInstant ??= new Map());
    let loader = byInstant.get(at.getTime());
    if (!loader) {
      loader = new DataLoader<AgreementKey, ObligationFulfilment[], string>(
        async (agreements) => {
          const map = await fulfilmentOf([...agreements], at);
          return agreements.map((a) => map.get(a.id) ?? []);
        },
        { cacheKeyFn: (a) => a.id },
      );
      byInstant.set(at.getTime(), loader);
    }
    return loader;
  }

  #person?: DataLoader<string, PersonFacts>;
  /** Where a volunteer belongs: what the access policy decides personal data and points on. */
  get person(): DataLoader<string, PersonFacts> {
    return (this.#person ??= new DataLoader<string, PersonFacts>(async (volunteerIds) => {
      const facts = await peopleFacts(prisma, volunteerIds);
      return volunteerIds.map((id) => facts.get(id) ?? NOBODY(id));
    }));
  }

  #agreementParties?: DataLoader<string, { stationId: string; partnerId: string } | null>;
  /** The two parties of an agreement, for its versions and history. */
  get agreementParties(): DataLoader<string, { stationId: string; partnerId: string } | null> {
    return (this.#agreementParties ??= new DataLoader<string, { stationId: string; partnerId: string } | null>(async (ids) => {
      const rows = await prisma.agreement.findMany({ where: { id: { in: [...ids] } }, select: { id: true, stationId: true, partnerId: true } });
      const m = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => m.get(id) ?? null);
    }));
  }

  #shiftScope?: DataLoader<string, ShiftScope | null>;
  /** Where a shift belongs, for scope checks on claims, with its times and status (whether check-in is open). */
  get shiftScope(): DataLoader<string, ShiftScope | null> {
    return (this.#shiftScope ??= new DataLoader<string, ShiftScope | null>(async (ids) => {
      const rows = await prisma.shift.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, stationId: true, teamId: true, squadId: true, startsAt: true, endsAt: true, status: true },
      });
      const m = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => m.get(id) ?? null);
    }));
  }

  #rotationPartner?: DataLoader<string, string | null>;
  /** The 共建单位 a shift was given to (轮流出人), or null. */
  get rotationPartner(): DataLoader<string, string | null> {
    return (this.#rotationPartner ??= new DataLoader<string, string | null>(async (shiftIds) => {
      const rows = await prisma.rotationSlot.findMany({ where: { shiftId: { in: [...shiftIds] } }, select: { shiftId: true, partnerId: true } });
      const m = new Map(rows.map((r) => [r.shiftId, r.partnerId]));
      return shiftIds.map((id) => m.get(id) ?? null);
    }));
  }

  #waitlistPosition?: DataLoader<string, number | null>;
  /** Waitlist position (1-based) of WAITLISTED claims, counted in claim order. */
  get waitlistPosition(): DataLoader<string, number | null> {
    return (this.#waitlistPosition ??= new DataLoader<string, number | null>(async (claimIds) => {
      const rows = await prisma.$queryRaw<{ id: string; position: bigint }[]>`
        SELECT c.id, (SELECT count(*) FROM "ShiftClaim" w
                      WHERE w."shiftId" = c."shiftId" AND w.status = 'WAITLISTED' AND w."waitlistSeq" <= c."waitlistSeq") AS position
        FROM "ShiftClaim" c WHERE c.id = ANY(${[...claimIds]}::uuid[]) AND c.status = 'WAITLISTED'`;
      const m = new Map(rows.map((r) => [r.id, Number(r.position)]));
      return claimIds.map((id) => m.get(id) ?? null);
    }));
  }

  #viewerClaim?: DataLoader<string, import("./generated/prisma/client.js").ShiftClaim | null>;
  /** The viewer's own claim on each shift. */
  get viewerClaim(): DataLoader<string, import("./generated/prisma/client.js").ShiftClaim | null> {
    return (this.#viewerClaim ??= new DataLoader<string, import("./generated/prisma/client.js").ShiftClaim | null>(async (shiftIds) => {
      if (!this.viewerVolunteerId) return shiftIds.map(() => null);
      const rows = await prisma.shiftClaim.findMany({ where: { volunteerId: this.viewerVolunteerId, shiftId: { in: [...shiftIds] } } });
      const m = new Map(rows.map((r) => [r.shiftId, r]));
      return shiftIds.map((id) => m.get(id) ?? null);
    }));
  }

  #viewerConfirmedSpans?: DataLoader<string, { shiftId: string; startsAt: Date; endsAt: Date }[]>;
  /** The viewer's confirmed shifts still to come, for the overlap reason on the board. */
  get viewerConfirmedSpans(): DataLoader<string, { shiftId: string; startsAt: Date; endsAt: Date }[]> {
    return (this.#viewerConfirmedSpans ??= new DataLoader<string, { shiftId: string; startsAt: Date; endsAt: Date }[]>(async (ids) => {
      const rows = await prisma.shiftClaim.findMany({
        where: { volunteerId: { in: [...ids] }, status: "CONFIRMED", shift: { status: "OPEN", endsAt: { gt: clock.now() } } },
        select: { volunteerId: true, shiftId: true, shift: { select: { startsAt: true, endsAt: true } } },
      });
      return ids.map((id) => rows.filter((r) => r.volunteerId === id).map((r) => ({ shiftId: r.shiftId, ...r.shift })));
    }));
  }

  #viewerVolunteer?: DataLoader<string, { specialties: string[]; status: string } | null>;
  /** The viewer's volunteer profile (specialties, squads), for viewerCanClaim. */
  get viewerVolunteer(): DataLoader<string, { specialties: string[]; status: string } | null> {
    return (this.#viewerVolunteer ??= new DataLoader<string, { specialties: string[]; status: string } | null>(async (ids) => {
      const rows = await prisma.volunteer.findMany({ where: { id: { in: [...ids] } }, select: { id: true, specialties: true, status: true } });
      const m = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => m.get(id) ?? null);
    }));
  }

  #claimPoints?: DataLoader<string, number | null>;
  /** Points a completed claim earned: its ledger entry `claim:<id>` net of a reversal (null: none). */
  get claimPoints(): DataLoader<string, number | null> {
    return (this.#claimPoints ??= new DataLoader<string, number | null>(async (claimIds) => {
      const rows = await prisma.pointsEntry.findMany({
        where: { source: { in: claimIds.map((id) => `claim:${id}`) } },
        select: { source: true, amount: true, reversedBy: { select: { amount: true } } },
      });
      const m = new Map(rows.map((r) => [r.source.slice("claim:".length), r.amount + (r.reversedBy?.amount ?? 0)]));
      return claimIds.map((id) => m.get(id) ?? null);
    }));
  }

  #leaderOf?: DataLoader<string, { id: string; displayName: string; phone: string; sharePhoneWithTeam: boolean } | null>;
  /** Who leads a squad ("squad:<id>") or a team ("team:<id>"): the longest-serving leader. */
  get leaderOf(): DataLoader<string, { id: string; displayName: string; phone: string; sharePhoneWithTeam: boolean } | null> {
    return (this.#leaderOf ??= new DataLoader<string, { id: string; displayName: string; phone: string; sharePhoneWithTeam: boolean } | null>(async (keys) => {
      const ids = (kind: string) => keys.filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1));
      const select = { volunteer: { select: { id: true, displayName: true, phone: true, sharePhoneWithTeam: true, status: true } } } as const;
      const order = [{ joinedAt: "asc" as const }, { id: "asc" as const }];
      const [squads, teams] = await Promise.all([
        prisma.squadMembership.findMany({ where: { squadId: { in: ids("squad") }, role: "LEADER", volunteer: { status: "ACTIVE" } }, select: { squadId: true, ...select }, orderBy: order }),
        prisma.teamMembership.findMany({ where: { teamId: { in: ids("team") }, role: "LEADER", volunteer: { status: "ACTIVE" } }, select: { teamId: true, ...select }, orderBy: order }),
      ]);
      const m = new Map<string, (typeof squads)[number]["volunteer"]>();
      for (const r of squads) if (!m.has(`squad:${r.squadId}`)) m.set(`squad:${r.squadId}`, r.volunteer);
      for (const r of teams) if (!m.has(`team:${r.teamId}`)) m.set(`team:${r.teamId}`, r.volunteer);
      return keys.map((k) => m.get(k) ?? null);
    }));
  }

  #commendationCount?: DataLoader<string, number>;
  /** How many times each volunteer has been commended ("表扬 3 次"). */
  get commendationCount(): DataLoader<string, number> {
    return (this.#commendationCount ??= new DataLoader<string, number>(async (ids) => {
      const rows = await prisma.commendation.groupBy({ by: ["volunteerId"], where: { volunteerId: { in: [...ids] } }, _count: true });
      const m = new Map(rows.map((r) => [r.volunteerId, r._count]));
      return ids.map((id) => m.get(id) ?? 0);
    }));
  }

  #pointsBalance?: DataLoader<string, number>;
  /** Points balance at a station = the sum of that station's ledger entries. Key: `${volunteerId}:${stationId}`. */
  get pointsBalance(): DataLoader<string, number> {
    return (this.#pointsBalance ??= new DataLoader<string, number>(async (keys) => {
      const pairs = keys.map((k) => k.split(":") as [string, string]);
      const rows = await prisma.pointsEntry.groupBy({
        by: ["volunteerId", "stationId"],
        where: { OR: pairs.map(([volunteerId, stationId]) => ({ volunteerId, stationId })) },
        _sum: { amount: true },
      });
      const m = new Map(rows.map((r) => [`${r.volunteerId}:${r.stationId}`, r._sum.amount ?? 0]));
      return keys.map((k) => m.get(k) ?? 0);
    }));
  }

  #squadStation?: DataLoader<string, string | null>;
  /** Station of a squad, for scope checks on squad memberships. */
  get squadStation(): DataLoader<string, string | null> {
    return (this.#squadStation ??= new DataLoader<string, string | null>(async (squadIds) => {
      const rows = await prisma.squad.findMany({ where: { id: { in: [...squadIds] } }, select: { id: true, team: { select: { stationId: true } } } });
      const m = new Map(rows.map((r) => [r.id, r.team.stationId]));
      return squadIds.map((id) => m.get(id) ?? null);
    }));
  }

  #partnerStation?: DataLoader<string, string | null>;
  /** Station of a partner, for the facts of its admins' roles. */
  get partnerStation(): DataLoader<string, string | null> {
    return (this.#partnerStation ??= new DataLoader<string, string | null>(async (ids) => {
      const rows = await prisma.partner.findMany({ where: { id: { in: [...ids] } }, select: { id: true, stationId: true } });
      const m = new Map(rows.map((r) => [r.id, r.stationId]));
      return ids.map((id) => m.get(id) ?? null);
    }));
  }

  #squadTeam?: DataLoader<string, { teamId: string; stationId: string } | null>;
  /** Team and station of a squad. */
  get squadTeam(): DataLoader<string, { teamId: string; stationId: string } | null> {
    return (this.#squadTeam ??= new DataLoader<string, { teamId: string; stationId: string } | null>(async (squadIds) => {
      const rows = await prisma.squad.findMany({ where: { id: { in: [...squadIds] } }, select: { id: true, teamId: true, team: { select: { stationId: true } } } });
      const m = new Map(rows.map((r) => [r.id, { teamId: r.teamId, stationId: r.team.stationId }]));
      return squadIds.map((id) => m.get(id) ?? null);
    }));
  }

  #teamNames?: DataLoader<string, { team: string; station: string } | null>;
  /** Names of a team and its station (shown to an applicant before they may see the team). */
  get teamNames(): DataLoader<string, { team: string; station: string } | null> {
    return (this.#teamNames ??= new DataLoader<string, { team: string; station: string } | null>(async (ids) => {
      const rows = await prisma.team.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true, station: { select: { name: true } } } });
      const m = new Map(rows.map((r) => [r.id, { team: r.name, station: r.station.name }]));
      return ids.map((id) => m.get(id) ?? null);
    }));
  }

  #accountName?: DataLoader<string, string | null>;
  /** The public name of an account (its volunteer's display name, or the account's own), for the audit log. */
  get accountName(): DataLoader<string, string | null> {
    return (this.#accountName ??= new DataLoader<string, string | null>(async (ids) => {
      const rows = await prisma.account.findMany({ where: { id: { in: [...ids] } }, select: { id: true, displayName: true, volunteer: { select: { displayName: true } } } });
      const m = new Map(rows.map((r) => [r.id, r.volunteer?.displayName || r.displayName || null]));
      return ids.map((id) => m.get(id) ?? null);
    }));
  }

  #mobilizationCalled?: DataLoader<string, boolean>;
  /** Call-ups that called the viewer (a responder row of theirs, or still in the queue of a wave announced). */
  get mobilizationCalled(): DataLoader<string, boolean> {
    return (this.#mobilizationCalled ??= new DataLoader<string, boolean>(async (mobilizationIds) => {
      if (!this.viewerVolunteerId) return mobilizationIds.map(() => false);
      const got = await callUpsThatCalled(this.viewerVolunteerId, mobilizationIds);
      return mobilizationIds.map((id) => got.has(id));
    }));
  }

  #bulletinReceived?: DataLoader<string, boolean>;
  /** Bulletins the viewer was sent (a BULLETIN notification to their account names it). */
  get bulletinReceived(): DataLoader<string, boolean> {
    return (this.#bulletinReceived ??= new DataLoader<string, boolean>(async (bulletinIds) => {
      if (!this.viewerAccountId) return bulletinIds.map(() => false);
      const rows = await prisma.notification.findMany({
        where: { accountId: this.viewerAccountId, kind: "BULLETIN", subjectId: { in: [...bulletinIds] } },
        select: { subjectId: true },
      });
      const got = new Set(rows.map((r) => r.subjectId));
      return bulletinIds.map((id) => got.has(id));
    }));
  }

  #teamStation?: DataLoader<string, string | null>;
  /** Station of a team, for scope checks on team fields. */
  get teamStation(): DataLoader<string, string | null> {
    return (this.#teamStation ??= new DataLoader<string, string | null>(async (teamIds) => {
      const rows = await prisma.team.findMany({ where: { id: { in: [...teamIds] } }, select: { id: true, stationId: true } });
      const m = new Map(rows.map((r) => [r.id, r.stationId]));
      return teamIds.map((id) => m.get(id) ?? null);
    }));
  }
}

export function createLoaders(viewerVolunteerId: string | null = null, viewerAccountId: string | null = null): Loaders {
  return new Loaders(viewerVolunteerId, viewerAccountId);
}

export function createContext(viewer: Viewer | null, locale: Locale = "zh", clientAddress: string | null = null): Context {
  return { viewer, locale, clientAddress, loaders: createLoaders(viewer?.volunteerId ?? null, viewer?.accountId ?? null) };
}
