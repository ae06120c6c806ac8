// Per-request DataLoaders for a module's own needs, without growing the shared context: one loader
// per (request, name), dropped with the request.
import DataLoader from "dataloader";
import type { Context } from "../context.js";
import { prisma } from "../db.js";
import { localize, msg } from "../i18n.js";

const loaders = new WeakMap<Context, Map<string, DataLoader<string, unknown>>>();

export function requestLoader<V>(ctx: Context, name: string, batch: (keys: readonly string[]) => Promise<Map<string, V>>, fallback: V): DataLoader<string, V> {
  let map = loaders.get(ctx);
  if (!map) loaders.set(ctx, (map = new Map()));
  let loader = map.get(name) as DataLoader<string, V> | undefined;
  if (!loader) {
    loader = new DataLoader<string, V>(async (keys) => {
      const found = await batch(keys);
      return keys.map((k) => (found.has(k) ? found.get(k)! : fallback));
    });
    map.set(name, loader as DataLoader<string, unknown>);
  }
  return loader;
}

/**
 * The name an account shows: its volunteer's public name, else the account's; an officer or a
 * partner's contact who never set one shows by role (never by phone number) rather than as "—".
 */
export function accountName(ctx: Context, accountId: string): Promise<string> {
  return requestLoader(
    ctx,
    "accountName",
    async (ids) => {
      const rows = await prisma.account.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, displayName: true, volunteer: { select: { displayName: true } }, roles: { select: { role: true } } },
      });
      const byRole = (roles: { role: string }[]) => {
        const has = (r: string) => roles.some((x) => x.role === r);
        if (has("OFFICER")) return msg("社区民警", "Community police officer");
        if (has("PARTNER_ADMIN")) return msg("共建单位联络人", "Partner contact");
        if (has("REGION_ADMIN") || has("ADMIN")) return msg("管理员", "Administrator");
        return "—";
      };
      return new Map(rows.map((r) => [r.id, localize(r.volunteer?.displayName || r.displayName || byRole(r.roles), ctx.locale ?? "zh")]));
    },
    "—",
  ).load(accountId);
}
