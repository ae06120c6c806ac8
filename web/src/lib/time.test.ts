import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatClock, formatDate, formatDateTime, formatSpan, formatTime, formatWhen, fromLocalInput, TIME_ZONE, toLocalInput } from "./time";

describe("one time format, Asia/Shanghai", () => {
  it("reads 2026年11月27日 13:00 in Chinese and 27 Nov 2026, 13:00 in English", () => {
    expect(formatDateTime("2026-11-27T05:00:00Z", "zh")).toBe("2026年11月27日 13:00");
    expect(formatDateTime("2026-11-27T05:00:00Z", "en")).toBe("27 Nov 2026, 13:00");
    expect(formatDate("2026-11-27T17:00:00Z", "zh")).toBe("2026年11月28日");
    expect(formatTime("2026-11-27T05:00:00Z", "zh")).toBe("13:00");
  });
  it("spans one day with one date, and two days with both", () => {
    expect(formatSpan("2026-11-27T11:00:00Z", "2026-11-27T13:00:00Z", "zh")).toBe("2026年11月27日 19:00–21:00");
    expect(formatSpan("2026-11-27T15:00:00Z", "2026-11-27T17:00:00Z", "zh")).toBe("2026年11月27日 23:00–2026年11月28日 01:00");
  });
  it("says exactly what Intl.DateTimeFormat says for Asia/Shanghai, 2000–2100, in both languages", () => {
    const intl = (l: "zh" | "en", o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(l === "zh" ? "zh-CN" : "en-GB", { timeZone: TIME_ZONE, hourCycle: "h23", ...o });
    const styles = {
      dateTime: { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" },
      date: { year: "numeric", month: "short", day: "numeric" },
      time: { hour: "2-digit", minute: "2-digit" },
      clock: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
    } as const;
    const ours = { dateTime: formatDateTime, date: formatDate, time: formatTime, clock: formatClock };
    const formatters = (["zh", "en"] as const).flatMap((l) => (Object.keys(styles) as (keyof typeof styles)[]).map((k) => [l, k, intl(l, styles[k])] as const));
    fc.assert(
      fc.property(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }), (d) => {
        for (const [l, k, f] of formatters) expect(ours[k](d, l)).toBe(f.format(d));
      }),
      { numRuns: 2000 },
    );
  });
  it("says only the time of today's events, and the date of older ones (by Shanghai's day)", () => {
    const now = new Date("2026-11-28T22:10:00Z"); // 06:10 on 29 Nov in Shanghai
    expect(formatWhen("2026-11-28T17:05:00Z", "zh", now)).toBe("01:05");
    expect(formatWhen("2026-11-28T12:00:00Z", "zh", now)).toBe("2026年11月28日 20:00");
    expect(formatWhen("2026-11-28T12:00:00Z", "en", now)).toBe("28 Nov 2026, 20:00");
  });

  it("round-trips the wall clock of a date input", () => {
    expect(toLocalInput(new Date("2026-11-27T05:00:00Z"))).toBe("2026-11-27T13:00");
    expect(fromLocalInput("2026-11-27T13:00").toISOString()).toBe("2026-11-27T05:00:00.000Z");
  });
});

describe("a line of parts", () => {
  it("leaves out empty parts instead of showing '· ·'", async () => {
    const { dotted } = await import("./i18n");
    expect(dotted("2026年11月27日 19:00–21:00", "", null, "好邻舍义警")).toBe("2026年11月27日 19:00–21:00 · 好邻舍义警");
    expect(dotted("a", "  ", undefined, false, "b")).toBe("a · b");
  });
});
