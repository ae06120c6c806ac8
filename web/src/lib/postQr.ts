// The QR code posted at a shift's post (岗点码): a link to 我的班次 carrying the shift and its code, so
// a phone's own camera app (or WeChat) opens the app ready to check in, and the in-app 扫码 reads it.

/** What the poster's QR code holds. */
export function postQrUrl(origin: string, shiftId: string, code: string): string {
  return `${origin}/my?shift=${encodeURIComponent(shiftId)}&code=${encodeURIComponent(code)}`;
}

/** The post code (and the shift, when the QR names it) in a scanned text; null if it is no post code. */
export function parsePostQr(text: string): { code: string; shiftId: string | null } | null {
  const t = text.trim();
  if (/^\d{4,8}$/.test(t)) return { code: t, shiftId: null };
  try {
    const u = new URL(t);
    const code = u.searchParams.get("code");
    if (u.pathname === "/my" && code && /^\d{4,8}$/.test(code)) return { code, shiftId: u.searchParams.get("shift") };
  } catch {
    // not a URL
  }
  return null;
}
