// The keyed-change helper on its own (no database): what a repeat, a parallel twin and a failure answer.
// The services' own tests (request-keys, homewatch-keys, report) cover the paths a database can order; the
// twin that commits while this request fails otherwise (the photo quota counting the twin's photo) cannot be
// ordered there, so it is here.
import { describe, expect, it } from "vitest";
import { UserFacingError } from "../api/src/graphql/errors.js";
import { oncePerKey } from "../api/src/lib/once-per-key.js";

const quotaFull = () => new UserFacingError("CONFLICT", "今日照片已达上限", ["input", "photo"]);

function store() {
  const rows = new Map<string, { id: string; note: string }>();
  return {
    rows,
    opts: (key: string, note: string, create: () => Promise<{ id: string; note: string }>, twinOn?: (e: unknown) => boolean) => ({
      find: async () => rows.get(key) ?? null,
      differs: (e: { note: string }) => e.note !== note,
      reused: "该请求编号已用于另一条记录",
      create,
      twinOn,
    }),
  };
}

describe("oncePerKey", () => {
  it("answers the twin that committed meanwhile when this request failed otherwise and twinOn says so", async () => {
    const s = store();
    const r = await oncePerKey("k1", s.opts("k1", "门窗完好", async () => {
      s.rows.set("k1", { id: "twin", note: "门窗完好" }); // the parallel twin commits first …
      throw quotaFull(); // … and its photo fills the quota this one counts
    }, (e) => e instanceof UserFacingError));
    expect(r).toEqual({ value: { id: "twin", note: "门窗完好" }, repeated: true });
  });

  it("rethrows that failure without twinOn, or when no twin exists", async () => {
    const s = store();
    const failing = () => s.opts("k2", "门窗完好", async () => {
      s.rows.set("k2", { id: "twin", note: "门窗完好" });
      throw quotaFull();
    });
    await expect(oncePerKey("k2", failing())).rejects.toThrow("今日照片已达上限");
    const alone = store();
    await expect(oncePerKey("k3", alone.opts("k3", "x", async () => { throw quotaFull(); }, (e) => e instanceof UserFacingError))).rejects.toThrow("今日照片已达上限");
  });

  it("a twin with other content is a CONFLICT on requestId, not an answer", async () => {
    const s = store();
    const p = oncePerKey("k4", s.opts("k4", "门窗完好", async () => {
      s.rows.set("k4", { id: "twin", note: "发现异常" });
      throw quotaFull();
    }, (e) => e instanceof UserFacingError));
    await expect(p).rejects.toMatchObject({ code: "CONFLICT", field: ["input", "requestId"] });
  });

  it("a repeat answers the first without creating; no key always creates", async () => {
    const s = store();
    s.rows.set("k5", { id: "first", note: "a" });
    let made = 0;
    const create = async () => ({ id: `new${++made}`, note: "a" });
    expect(await oncePerKey("k5", s.opts("k5", "a", create))).toEqual({ value: { id: "first", note: "a" }, repeated: true });
    expect(await oncePerKey(null, s.opts("k5", "a", create))).toEqual({ value: { id: "new1", note: "a" }, repeated: false });
    expect(made).toBe(1);
  });
});
