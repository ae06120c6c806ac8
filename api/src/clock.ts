// The time services use. Tests move it to exercise time windows without sleeping.
let offsetMs = 0;

export const clock = {
  now: (): Date => new Date(Date.now() + offsetMs),
  /** Test helper: shift "now" by ms (cumulative); reset with clock.reset(). */
  advance(ms: number) {
    offsetMs += ms;
  },
  reset() {
    offsetMs = 0;
  },
};
