import { z } from "zod";
import { defineMutation, phoneNumber } from "../../graphql/mutation.js";
import { signIn } from "./account.service.js";
import { Viewer } from "./account.type.js";

defineMutation("signIn", {
  description: "Sign in with phone and password; send the token as `Authorization: Bearer <token>`",
  access: "public",
  inputFields: (t) => ({
    phone: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
  schema: z.object({ phone: phoneNumber, password: z.string().min(1, "Required / 必填").max(128) }),
  resolve: async (input, ctx) => {
    const result = await signIn(input.phone, input.password);
    // The rest of this response is read as the account that just signed in.
    ctx.viewer = result.viewer;
    return result;
  },
  payloadFields: (t) => ({
    token: t.string({ nullable: true, resolve: (p) => p.token ?? null }),
    expiresAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.expiresAt ?? null }),
    viewer: t.field({ type: Viewer, nullable: true, resolve: (p) => p.viewer ?? null }),
  }),
});
