import type { App } from "../../api/src/app.js";
import { createSession } from "../../api/src/auth/sessions.js";
import { prisma } from "../../api/src/db.js";
import { gql } from "./client.js";
import { gid } from "./fixtures.js";

/** Tokens for many accounts without paying scrypt per sign-in (sign-in itself is tested elsewhere). */
export async function tokensFor(phones: string[]): Promise<Map<string, string>> {
  const accounts = await prisma.account.findMany({ where: { phone: { in: phones } } });
  return new Map(await Promise.all(accounts.map(async (a) => [a.phone, (await createSession(prisma, a.id)).token] as const)));
}

export const CREATE_SHIFT = `mutation ($input: CreateShiftInput!) {
  createShift(input: $input) { shift { id title capacity seatsLeft postCode status } shifts { id startsAt } userErrors { code message field } }
}`;

export const CLAIM = `mutation ($input: ClaimShiftInput!) {
  claimShift(input: $input) { claim { id status waitlistPosition } shift { seatsTaken seatsLeft waitlistLength } userErrors { code message field } }
}`;

export const CANCEL_CLAIM = `mutation ($input: CancelShiftClaimInput!) {
  cancelShiftClaim(input: $input) { claim { id status } shift { seatsTaken waitlistLength } userErrors { code message field } }
}`;

export const CHECK_IN = `mutation ($input: CheckInInput!) {
  checkIn(input: $input) { claim { id status checkedInAt checkInMethod checkInFlagged } userErrors { code message field } }
}`;

export const CHECK_OUT = `mutation ($input: CheckOutInput!) {
  checkOut(input: $input) { claim { id status checkedOutAt minutesServed } userErrors { code message field } }
}`;

export const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);

export async function publishShift(app: App, token: string, input: Record<string, unknown>) {
  const res = await gql(app, CREATE_SHIFT, { input: { kind: "PATROL", title: "府山街区巡逻", capacity: 10, ...input } }, token);
  if (!res.data?.createShift?.shift) throw new Error(`createShift failed: ${JSON.stringify(res)}`);
  return res.data.createShift as { shift: { id: string; postCode: string }; shifts: { id: string; startsAt: string }[] };
}

export const teamGid = (id: string) => gid("Team", id);
