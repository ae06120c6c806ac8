// One way to show times: always Asia/Shanghai, zh-CN "2026年11月27日 13:00" (English "27 Nov 2026, 13:00").
import { lang } from "./i18n";

export const TIME_ZONE = "Asia/Shanghai";

// Written out rather than Intl.DateTimeFormat: building a formatter with a time zone costs a phone tens
// of milliseconds each, on every page's first paint (the shift board spent ~0.3 s of 4×-throttled main
// thread in it). Shanghai has kept UTC+8 without daylight saving since 1991, as toLocalInput assumes;
// time.test.ts checks the output equals Intl's for instants 2000–2100 in both languages.
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"];
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function format(kind: "dateTime" | "date" | "time" | "clock", value: string | Date, l = lang()): string {
  const d = new Date((typeof value === "string" ? new Date(value) : value).getTime() + 8 * 3600_000);
  const [y, mo, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  const date = l === "zh" ? `${y}年${mo + 1}月${day}日` : `${day} ${MONTHS[mo]} ${y}`;
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  if (kind === "date") return date;
  if (kind === "time") return time;
  if (kind === "clock") return `${time}:${two(d.getUTCSeconds())}`;
  return l === "zh" ? `${date} ${time}` : `${date}, ${time}`;
}

/** 2026年11月27日 13:00 */
export const formatDateTime = (v: string | Date, l?: "zh" | "en") => format("dateTime", v, l);
/** 2026年11月27日 */
export const formatDate = (v: string | Date, l?: "zh" | "en") => format("date", v, l);
/** 13:00 */
export const formatTime = (v: string | Date, l?: "zh" | "en") => format("time", v, l);
/** 13:00:05 */
export const formatClock = (v: string | Date, l?: "zh" | "en") => format("clock", v, l);

/** When something happened, in a list that holds older items too: 13:00 today (Shanghai), else the date as well. */
export function formatWhen(v: string | Date, l?: "zh" | "en", now: Date = new Date()): string {
  return formatDate(v, l) === formatDate(now, l) ? formatTime(v, l) : formatDateTime(v, l);
}

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
