import { describe, expect, it } from "vitest";
import { placeLabels, textWidth, type Box } from "./mapLabels";

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe("map labels", () => {
  it("measures CJK as one em and Latin as 0.6 em", () => {
    expect(textWidth("召集", 14)).toBe(28);
    expect(textWidth("In 3/4", 10)).toBe(36);
  });

  it("keeps the default spot right of the marker when there is room", () => {
    const [p] = placeLabels([{ x: 100, y: 100, r: 14, w: 80, h: 36 }], { w: 600, h: 400 });
    expect(p).toMatchObject({ x: 120, y: 82, anchor: "start", moved: false });
  });

  it("moves labels of close markers apart: no label on another label or on a marker, all inside the map", () => {
    // As the demo's command view: two grids of 仓桥社区 and two call-ups within a few pixels of each other.
    const reqs = [
      { x: 300, y: 200, r: 14, w: 98, h: 36 },
      { x: 310, y: 215, r: 14, w: 98, h: 36 },
      { x: 305, y: 205, r: 13, w: 126, h: 18 },
      { x: 295, y: 222, r: 13, w: 112, h: 18 },
    ];
    const placed = placeLabels(reqs, { w: 600, h: 400 });
    const markers = reqs.map((q) => ({ x: q.x - q.r, y: q.y - q.r, w: 2 * q.r, h: 2 * q.r }));
    placed.forEach((a, i) => {
      expect(a.x >= 0 && a.y >= 0 && a.x + a.w <= 600 && a.y + a.h <= 400).toBe(true);
      placed.forEach((b, j) => i !== j && expect(overlap(a, b), `label ${i} over label ${j}`).toBe(false));
      markers.forEach((m, j) => expect(overlap(a, m), `label ${i} over marker ${j}`).toBe(false));
    });
    expect(placed.some((p) => p.moved)).toBe(true);
  });

  it("puts a label left of its marker at the map's right edge, ending at the marker", () => {
    const [p] = placeLabels([{ x: 580, y: 100, r: 14, w: 120, h: 18 }], { w: 600, h: 400 });
    expect(p!.x + p!.w).toBeLessThanOrEqual(580 - 14);
    expect(p!.anchor).toBe("end");
  });

  it("keeps labels off other marks (findings)", () => {
    const [p] = placeLabels([{ x: 100, y: 100, r: 14, w: 80, h: 36 }], { w: 600, h: 400 }, [{ x: 125, y: 90, w: 20, h: 20 }]);
    expect(overlap(p!, { x: 125, y: 90, w: 20, h: 20 })).toBe(false);
  });
});
