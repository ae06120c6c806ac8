import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatSpan, formatTime, fromLocalInput, toLocalInput } from "./time";

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
