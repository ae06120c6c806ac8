// Label placement for the command view's map: grids and call-ups close together must not write over
// each other (the demo's 仓桥社区 grids and a call-up a street away did). Greedy, in priority order:
// each label takes the first candidate spot beside its marker that is inside the map and overlaps
// no marker and no label placed before it; if none is free, the spot that overlaps least.

export type Box = { x: number; y: number; w: number; h: number };
export type LabelRequest = {
  /** The marker's centre and radius: the label sits beside it and never on any marker. */
  x: number;
  y: number;
  r: number;
  /** The label's size (see `textWidth`). */
  w: number;
  h: number;
};
export type Placement = Box & {
  /** Where the label's text starts (left edge for "start", right edge for "end"). */
  anchor: "start" | "end";
  /** True when the label is away from its default spot, so a leader line helps to match them. */
  moved: boolean;
};

/** Width of a label in px: CJK characters are about one em wide, others about 0.6 em. */
export function textWidth(text: string, fontSize: number): number {
  let w = 0;
  for (const ch of text) w += /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/.test(ch) ? fontSize : fontSize * 0.6;
  return Math.ceil(w);
}

const area = (a: Box, b: Box) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

/** Places the labels in the order given (earlier ones win); `bounds` is the map's viewBox, `obstacles`
 *  other marks no label may cover. */
export function placeLabels(requests: LabelRequest[], bounds: { w: number; h: number }, obstacles: Box[] = [], gap = 6): Placement[] {
  const markers: Box[] = requests.map((q) => ({ x: q.x - q.r, y: q.y - q.r, w: 2 * q.r, h: 2 * q.r })).concat(obstacles);
  const placed: Box[] = [];
  return requests.map((q) => {
    const right = q.x + q.r + gap;
    const left = q.x - q.r - gap - q.w;
    const mid = q.y - q.h / 2;
    // Beside the marker first, then above and below, then further up and down on either side.
    const spots: [number, number][] = [
      [right, mid],
      [left, mid],
      [q.x - q.w / 2, q.y - q.r - gap - q.h],
      [q.x - q.w / 2, q.y + q.r + gap],
    ];
    for (let k = 1; k <= 4; k++) for (const dy of [k * q.h, -k * q.h]) spots.push([right, mid + dy], [left, mid + dy]);
    let best: { box: Box; cost: number; i: number } | undefined;
    spots.forEach(([x, y], i) => {
      const box = { x, y, w: q.w, h: q.h };
      const outside = box.x < 0 || box.y < 0 || box.x + box.w > bounds.w || box.y + box.h > bounds.h;
      const cost = (outside ? q.w * q.h : 0) + [...markers, ...placed].reduce((n, b) => n + area(box, b), 0);
      if (!best || cost < best.cost) best = { box, cost, i };
    });
    const { box, i } = best!;
    placed.push(box);
    // Text left of its marker ends at the marker, whatever its real width turns out to be.
    return { ...box, anchor: box.x + box.w <= q.x - q.r ? "end" : "start", moved: i !== 0 };
  });
}
