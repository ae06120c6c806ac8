// One shape for every mutation: `field(input: <Name>Input!): <Name>Payload` where the payload has
// nullable results and `userErrors`. Input is validated with zod; expected failures (UserFacingError)
// become userErrors, anything else is thrown and masked by yoga.
import type { InputFieldMap, SchemaTypes } from "@pothos/core";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { UserFacingError, type UserErrorShape } from "./errors.js";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : SchemaTypes;

export const UserErrorCode = builder.enumType("UserErrorCode", {
  description: "Why a mutation did not do what was asked",
  values: {
    VALIDATION: { description: "An input value is malformed or out of range; see `field`" },
    NOT_FOUND: { description: "A referenced object does not exist or is not visible to you" },
    FORBIDDEN: { description: "You are signed in but not allowed to do this" },
    CONFLICT: { description: "The request conflicts with the current state (duplicate, stale version …)" },
    UNAUTHENTICATED: { description: "Sign in first, or the credentials were wrong" },
  } as const,
});

export const UserError = builder.objectRef<UserErrorShape>("UserError").implement({
  description: "An expected failure, shown to the user next to `field`",
  fields: (t) => ({
    code: t.field({ type: UserErrorCode, resolve: (e) => e.code }),
    message: t.exposeString("message"),
    field: t.exposeStringList("field", { nullable: true, description: "Path to the input field, e.g. [\"input\", \"name\"]" }),
  }),
});

export interface WithUserErrors {
  userErrors?: UserErrorShape[];
}

export type PayloadFieldBuilder<Result> = PothosSchemaTypes.ObjectFieldBuilder<Types, Partial<Result> & WithUserErrors>;

/** Keep the property order: schema, resolve, payloadFields (TypeScript infers left to right). */
export function defineMutation<Schema extends z.ZodType, Result extends object>(
  name: string,
  opts: {
    description: string;
    /** `signedIn` (default) answers anonymous callers with an UNAUTHENTICATED userError. */
    access?: "public" | "signedIn";
    inputFields: (t: PothosSchemaTypes.InputFieldBuilder<Types, "InputObject">) => InputFieldMap;
    schema: Schema;
    resolve: (input: z.output<Schema>, ctx: Context) => Promise<Result>;
    payloadFields: (t: PayloadFieldBuilder<Result>) => Record<string, unknown>;
  },
) {
  const Name = name[0]!.toUpperCase() + name.slice(1);
  const Input = builder.inputType(`${Name}Input`, { fields: opts.inputFields });
  const Payload = builder.objectRef<Partial<Result> & WithUserErrors>(`${Name}Payload`).implement({
    fields: (t) => ({
      ...(opts.payloadFields(t) as object),
      userErrors: t.field({ type: [UserError], nullable: false, resolve: (p) => p.userErrors ?? [] }),
    }),
  });
  builder.mutationField(name, (t) =>
    t.field({
      type: Payload,
      description: opts.description,
      args: { input: t.arg({ type: Input, required: true }) },
      authScopes: opts.access === "public" ? { public: true } : { signedIn: true },
      unauthorizedResolver: () => failed<Result>([{ code: "UNAUTHENTICATED", message: "Sign in first / 请先登录", field: null }]),
      // Cast: Pothos cannot decide its list-or-not conditional type for a generic Result.
      resolve: (async (_root: unknown, args: { input: unknown }, ctx: Context) => {
        const parsed = opts.schema.safeParse(args.input);
        if (!parsed.success) return failed<Result>(zodToUserErrors(parsed.error));
        try {
          return (await opts.resolve(parsed.data, ctx)) as Partial<Result> & WithUserErrors;
        } catch (e) {
          if (e instanceof UserFacingError) return failed<Result>([e.toUserError()]);
          throw e;
        }
      }) as never,
    }),
  );
  return Payload;
}

function failed<Result>(userErrors: UserErrorShape[]): Partial<Result> & WithUserErrors {
  return { userErrors } as Partial<Result> & WithUserErrors;
}

export function zodToUserErrors(error: z.ZodError): UserErrorShape[] {
  return error.issues.map((i) => ({
    code: "VALIDATION",
    message: i.message,
    field: ["input", ...i.path.map(String)],
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses a Relay global ID of the given type(s) into the database id. */
export function globalId(...typenames: string[]) {
  return z.string().transform((value, ctx) => {
    try {
      const { typename, id } = decodeGlobalID(value);
      if (typenames.includes(typename) && UUID.test(id)) return id;
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: "custom", message: `Not a valid ${typenames.join(" or ")} ID` });
    return z.NEVER;
  });
}

/** Chinese mainland mobile number, 11 digits starting with 1. */
export const phoneNumber = z.string().trim().regex(/^1[3-9]\d{9}$/, "Phone must be an 11-digit mainland mobile number / 手机号格式不正确");
export const nonEmpty = (max: number) => z.string().trim().min(1, "Required / 必填").max(max, `At most ${max} characters`);
