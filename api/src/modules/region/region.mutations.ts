import { z } from "zod";
import type { Region as RegionRow } from "../../generated/prisma/client.js";
import { defineMutation, nonEmpty, optionalText, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { createRegion } from "./region.service.js";
import { Region } from "./region.type.js";

defineMutation("createRegion", {
  description: "新建区域 (platform admins): a county or city bureau, e.g. 诸暨市公安局",
  inputFields: (t) => ({ name: t.string({ required: true }), city: t.string() }),
  schema: z.object({ name: nonEmpty(60), city: optionalText(40) }),
  resolve: async (input, ctx) => ({ region: await createRegion({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: (t: PayloadFieldBuilder<{ region: RegionRow }>) => ({
    region: t.field({ type: Region, nullable: true, resolve: (p) => p.region ?? null }),
  }),
});
