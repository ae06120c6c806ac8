// /shifts opened directly (a reload, the home screen icon): the board's first page is asked for at
// start-up, alongside the viewer, instead of after the viewer's answer names the station. The station
// is the one the same account's board showed last (a hint in localStorage, keyed by the token's
// account); the API checks access as for any query, and a wrong hint only costs an unused answer:
// the page asks again for the station the viewer's answer names.
import type { Client } from "@urql/core";
import { ShiftBoardDocument } from "../gql/graphql";
import { tokenOwner } from "./offline";
import { fromLocalInput, shanghaiDay } from "./time";

export type Range = "today" | "week" | "month";
export type Window = { from: string; to: string };

/** From now to the end of the Shanghai day (today), or 7 / 30 days on. */
export function rangeWindow(range: Range, now = new Date()): Window {
  const endOfToday = fromLocalInput(`${shanghaiDay(now)}T00:00`).getTime() + 86_400_000;
  const to = range === "today" ? endOfToday : endOfToday + (range === "week" ? 6 : 29) * 86_400_000;
  return { from: now.toISOString(), to: new Date(to).toISOString() };
}

const HINT = "linshe.boardStation";
/** The board's first range. */
export const FIRST_RANGE: Range = "week";

let early: { stationId: string; window: Window; at: number } | null = null;

/** The station the board shows, for this account's next start-up. */
export function rememberBoardStation(token: string | null, stationId: string) {
  const sub = tokenOwner(token)?.sub;
  if (sub) localStorage.setItem(HINT, JSON.stringify({ sub, stationId }));
}

export function forgetBoardStation() {
  localStorage.removeItem(HINT);
}

/** At start-up on /shifts: sends the board's first page for the remembered station. */
export function startEarlyBoard(client: Client, token: string | null, pathname: string) {
  if (pathname !== "/shifts" || !token) return;
  let hint: { sub?: unknown; stationId?: unknown } | null = null;
  try {
    hint = JSON.parse(localStorage.getItem(HINT) ?? "null");
  } catch {
    return;
  }
  if (!hint || typeof hint.stationId !== "string" || hint.sub !== tokenOwner(token)?.sub) return;
  const window = rangeWindow(FIRST_RANGE);
  early = { stationId: hint.stationId, window, at: Date.now() };
  // Same variables as the page's first query: the client shares the request (or graphcache its answer).
  void client.query(ShiftBoardDocument, { stationId: hint.stationId, teamId: null, squadId: null, kind: null, onlyMyTeams: null, ...window, after: null }, { requestPolicy: "network-only" }).toPromise();
}

/** The window the early request used, once, if it was for this station and is recent; else null. */
export function takeEarlyWindow(stationId: string): Window | null {
  const e = early;
  early = null;
  return e && e.stationId === stationId && Date.now() - e.at < 30_000 ? e.window : null;
}
