// The 好人好事 draft closeMobilization offers, carried from the call-up's page to the leader desk's
// form (sessionStorage: this tab only, gone with it).
const KEY = "linshe.goodDeedDraft";

export interface GoodDeedDraft {
  mobilizationId: string;
  teamId?: string | null;
  title: string;
  story: string;
  place: string;
  occurredAt: string;
}

export function saveGoodDeedDraft(d: GoodDeedDraft) {
  sessionStorage.setItem(KEY, JSON.stringify(d));
}

export function goodDeedDraft(): GoodDeedDraft | null {
  try {
    const d = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as GoodDeedDraft | null;
    return d && typeof d.title === "string" && typeof d.story === "string" ? d : null;
  } catch {
    return null;
  }
}

export function clearGoodDeedDraft() {
  sessionStorage.removeItem(KEY);
}
