// One way to show times: always Asia/Shanghai, zh-CN "2026年11月27日 13:00" (English "27 Nov 2026, 13:00").
import { lang } from "./i18n";

export const TIME_ZONE = "Asia/Shanghai";
const cache = new Map<string, Intl.DateTimeFormat>();

function format(kind: keyof typeof STYLES, value: string | Date, l = lang()): string {
  const key = `${l}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(l === "zh" ? "zh-CN" : "en-GB", { timeZone: TIME_ZONE, hourCycle: "h23", ...STYLES[kind] });
    cache.set(key, f);
  }
  return f.format(typeof value === "string" ? new Date(value) : value);
}

const STYLES = {
  dateTime: { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" },
  date: { year: "numeric", month: "short", day: "numeric" },
  time: { hour: "2-digit", minute: "2-digit" },
  clock: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/** 2026年11月27日 13:00 */
export const formatDateTime = (v: string | Date, l?: "zh" | "en") => format("dateTime", v, l);
/** 2026年11月27日 */
export const formatDate = (v: string | Date, l?: "zh" | "en") => format("date", v, l);
/** 13:00 */
export const formatTime = (v: string | Date, l?: "zh" | "en") => format("time", v, l);
/** 13:00:05 */
export const formatClock = (v: string | Date, l?: "zh" | "en") => format("clock", v, l);

/** A shift's span: "2026年11月27日 13:00–15:00", or both dates when it runs past midnight. */
export function formatSpan(start: string | Date, end: string | Date, l?: "zh" | "en"): string {
  const sameDay = formatDate(start, l) === formatDate(end, l);
  return `${formatDateTime(start, l)}–${sameDay ? formatTime(end, l) : formatDateTime(end, l)}`;
}

/** Shanghai-local "YYYY-MM-DDTHH:mm" for <input type="datetime-local"> and back. */
export function toLocalInput(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}
export function fromLocalInput(v: string): Date {
  return new Date(new Date(`${v}:00Z`).getTime() - 8 * 3600_000);
}
/** The Shanghai calendar date of an instant, "YYYY-MM-DD". */
export const shanghaiDay = (d: Date) => toLocalInput(d).slice(0, 10);
