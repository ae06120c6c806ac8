// A change the client keys once (a double tap, a resend after a lost answer, two tabs) is made once: the
// repeat, sequential or in parallel, answers what the first made. The key is unique per actor in the row's
// table; reused for a different change it is a CONFLICT, not a silent drop of the second.
import { conflict, isUniqueViolation } from "../graphql/errors.js";

export interface OncePerKey<T> {
  /** The row this actor already made with the key, or null. */
  find: () => Promise<T | null>;
  /** Whether that row is another change than the one asked for now. */
  differs: (earlier: T) => boolean | Promise<boolean>;
  /** Said when the key was used for another change (Chinese first, as `msg`). */
  reused: string;
  /** Makes the row, storing the key with it (a unique violation means a parallel twin won). */
  create: () => Promise<T>;
  /** Which failures of `create` a committed twin answers instead (default: the key's unique violation). */
  twinOn?: (e: unknown) => boolean;
}

/** `value` is the row; `repeated` tells the caller that nothing new happened (publish nothing again). */
export async function oncePerKey<T>(key: string | null | undefined, o: OncePerKey<T>): Promise<{ value: T; repeated: boolean }> {
  if (!key) return { value: await o.create(), repeated: false };
  const same = async () => {
    const earlier = await o.find();
    if (earlier && (await o.differs(earlier))) throw conflict(o.reused, ["input", "requestId"]);
    return earlier;
  };
  const earlier = await same();
  if (earlier) return { value: earlier, repeated: true };
  try {
    return { value: await o.create(), repeated: false };
  } catch (e) {
    const twin = (o.twinOn ?? isUniqueViolation)(e) ? await same() : null;
    if (twin) return { value: twin, repeated: true };
    throw e;
  }
}

/** The same members, in any order and counted once. */
export const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
};
