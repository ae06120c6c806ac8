import { z } from "zod";
import { builder } from "../../builder.js";
import { defineMutation, globalId, nonEmpty, requestKey } from "../../graphql/mutation.js";
import { publishBulletin } from "./bulletin.service.js";
import { Bulletin, BulletinCategory } from "./bulletin.type.js";
import { E } from "../../lib/enums.js";

const AudienceInput = builder.inputType("BulletinAudienceInput", {
  description: "Who receives it: any combination; at least one",
  fields: (t) => ({
    wholeStation: t.boolean({ description: "Every active volunteer of the station" }),
    teamIds: t.idList(),
    squadIds: t.idList(),
    communityIds: t.idList({ description: "Volunteers whose home grid lies in these communities" }),
    partnerIds: t.idList({ description: "The partners' volunteers and admins" }),
  }),
});

const ids = (type: string) => z.array(globalId(type)).max(200).nullish().transform((v) => v ?? []);

defineMutation("publishBulletin", {
  description: "警情提醒单: an officer sends a notice to an audience of the station's people; each gets a notification",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    title: t.string({ required: true }),
    body: t.string({ required: true }),
    category: t.field({ type: BulletinCategory, required: true }),
    public: t.boolean({ description: "Also show it on the station's public board page" }),
    audience: t.field({ type: AudienceInput, required: true }),
    requestId: t.string({
      description: "A key the app makes once per bulletin as composed (again when the form is changed): sending it again, even in parallel, answers the bulletin the first made and tells nobody twice",
    }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    title: nonEmpty(60),
    body: nonEmpty(2000),
    category: z.enum(E.BulletinCategory),
    public: z.boolean().nullish().transform((v) => v ?? false),
    audience: z.object({
      wholeStation: z.boolean().nullish().transform((v) => v ?? false),
      teamIds: ids("Team"),
      squadIds: ids("Squad"),
      communityIds: ids("Community"),
      partnerIds: ids("Partner"),
    }),
    requestId: requestKey(),
  }),
  resolve: async (input, ctx) => ({ bulletin: await publishBulletin(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: (t) => ({ bulletin: t.field({ type: Bulletin, nullable: true, resolve: (p) => p.bulletin ?? null }) }),
});
