import { z } from "zod";
import { defineMutation, globalId } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { updateStationSettings } from "./station.service.js";
import { Station } from "./station.type.js";

defineMutation("updateStationSettings", {
  description: "Station settings (officers): GPS check-in radius, shift reminders, SMS budget, who may call up, the duty phone",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    checkInRadiusMeters: t.int({ description: "GPS check-ins farther than this are flagged (50–5000 m)" }),
    reminderHoursBefore: t.int({ description: "Shift reminders this many hours before the start (0 turns them off, at most 72)" }),
    smsDailyBudget: t.int({ description: "SMS per day at most (0–100000)" }),
    leadersMayMobilize: t.boolean({ description: "Team and squad leaders may start call-ups too" }),
    dutyPhone: t.string({ description: "值班电话 volunteers call about a shift when its leader's phone is not shared" }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    checkInRadiusMeters: z.number().int().min(50).max(5000).nullish(),
    reminderHoursBefore: z.number().int().min(0).max(72).nullish(),
    smsDailyBudget: z.number().int().min(0).max(100_000).nullish(),
    leadersMayMobilize: z.boolean().nullish(),
    dutyPhone: z.string().trim().regex(/^[\d-]{3,20}$/, msg("电话格式不正确", "Not a phone number")).nullish(),
  }),
  resolve: async (input, ctx) => ({ station: await updateStationSettings(ctx.viewer!, input) }),
  payloadFields: (t) => ({ station: t.field({ type: Station, nullable: true, resolve: (p) => p.station ?? null }) }),
});
