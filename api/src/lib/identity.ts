// Phone and ID numbers as people type or paste them, made the forms the database keeps. One place, so
// that registering one person and importing a sheet accept and refuse the same numbers.

const fullWidth = (s: string) => s.replace(/[０-９＋Ｘｘ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/**
 * A phone as people paste it ("+86 138 0000 0130", "138-0000-0130", "0086…", full-width digits) made the
 * 11 digits the database keeps; anything else is left for the format check to refuse.
 */
export function normalisePhone(raw: string): string {
  const digits = fullWidth(raw).replace(/[\s\u3000\-‐–—.()（）]/g, "");
  return digits.replace(/^(?:\+|00)?86(?=1\d{10}$)/, "");
}

/** An ID number with full-width digits, spaces or a small x made the 18 characters kept; else left for the check. */
export function normaliseIdNumber(raw: string): string {
  return fullWidth(raw).replace(/[\s\u3000]/g, "").toUpperCase();
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643 check character of an 18-character ID number. */
export function idNumberValid(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  return "10X98765432"[sum % 11] === id[17];
}
