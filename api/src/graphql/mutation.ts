// One shape for every mutation: `field(input: <Name>Input!): <Name>Payload` where the payload has
// nullable results and `userErrors`. Input is validated with zod; expected failures (UserFacingError)
// become userErrors in the client's language, anything else is thrown and masked by yoga.
//
// Rules that hold for every mutation live here, not in each one: text without control characters,
// dates that exist and are in range, a unique violation is a CONFLICT, a missing row a NOT_FOUND.
import type { InputFieldMap, SchemaTypes } from "@pothos/core";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { localize, msg } from "../i18n.js";
import { metrics } from "../metrics.js";
import { textProblem } from "../lib/text.js";
import { normalisePhone } from "../lib/identity.js";
import { UserFacingError, type UserErrorShape } from "./errors.js";
import { UUID } from "../lib/uuid.js";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : SchemaTypes;

export const UserErrorCode = builder.enumType("UserErrorCode", {
  description: "Why a mutation did not do what was asked",
  values: {
    VALIDATION: { description: "An input value is malformed or out of range; see `field`" },
    NOT_FOUND: { description: "A referenced object does not exist or is not visible to you" },
    FORBIDDEN: { description: "You are signed in but not allowed to do this" },
    CONFLICT: { description: "The request conflicts with the current state (duplicate, stale version …)" },
    UNAUTHENTICATED: { description: "Sign in first, or the credentials were wrong" },
    RATE_LIMITED: { description: "Too many attempts: wait the number of seconds the message gives" },
  } as const,
});

export const UserError = builder.objectRef<UserErrorShape>("UserError").implement({
  description: "An expected failure, shown to the user next to `field`, in the client's language (Chinese unless it asked for English)",
  fields: (t) => ({
    code: t.field({ type: UserErrorCode, resolve: (e) => e.code }),
    message: t.string({ resolve: (e, _a, ctx) => localize(e.message, ctx.locale) }),
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
      unauthorizedResolver: () => failed<Result>([{ code: "UNAUTHENTICATED", message: msg("请先登录", "Sign in first"), field: null }]),
      // Cast: Pothos cannot decide its list-or-not conditional type for a generic Result.
      resolve: (async (_root: unknown, args: { input: unknown }, ctx: Context) => {
        const control = controlCharacters(args.input, ["input"]);
        // One error per bad field, but not 50,000 of them for a list of 50,000 bad items.
        if (control.length) return failed<Result>(control.slice(0, MAX_TEXT_ERRORS));
        const parsed = opts.schema.safeParse(args.input);
        if (!parsed.success) return failed<Result>(zodToUserErrors(parsed.error));
        try {
          return (await opts.resolve(parsed.data, ctx)) as Partial<Result> & WithUserErrors;
        } catch (e) {
          const expected = asUserError(e);
          if (expected) return failed<Result>([expected]);
          throw e;
        }
      }) as never,
    }),
  );
  return Payload;
}

function failed<Result>(userErrors: UserErrorShape[]): Partial<Result> & WithUserErrors {
  for (const e of userErrors) metrics.userErrors.inc({ code: e.code });
  return { userErrors } as Partial<Result> & WithUserErrors;
}

/** Failures every mutation can meet that are the caller's, not ours: never masked. */
export function asUserError(e: unknown): UserErrorShape | null {
  if (e instanceof UserFacingError) return e.toUserError();
  const code = (e as { code?: unknown })?.code;
  // A unique constraint: two requests created the same thing, or a name is taken.
  if (code === "P2002") return { code: "CONFLICT", message: msg("与已有记录重复", "This duplicates an existing record"), field: uniqueFields(e) };
  // A referenced row is gone (deleted meanwhile) or the row to change no longer exists.
  if (code === "P2003" || code === "P2025") return { code: "NOT_FOUND", message: msg("引用的记录不存在", "A referenced record does not exist"), field: null };
  return null;
}

function uniqueFields(e: unknown): string[] | null {
  const meta = (e as { meta?: Record<string, unknown> }).meta ?? {};
  const target = meta.target ?? (meta.driverAdapterError as { cause?: { constraint?: { fields?: unknown } } } | undefined)?.cause?.constraint?.fields;
  const fields = Array.isArray(target) ? target.filter((f): f is string => typeof f === "string").map((f) => f.replace(/^"|"$/g, "")) : [];
  const field = fields.find((f) => !/Id$/.test(f) && f !== "id") ?? fields[0];
  return field ? ["input", field] : null;
}

const MAX_TEXT_ERRORS = 20;

/**
 * Every text in the input, however deep, without control characters or invisible ones. A password is
 * a secret, not text anyone reads: only control characters are refused there, so that a password
 * chosen before this rule still signs in.
 */
export function controlCharacters(value: unknown, path: string[]): UserErrorShape[] {
  if (typeof value === "string") {
    const problem = /password/i.test(path[path.length - 1] ?? "") ? (textProblem(value) === "control" ? "control" : null) : textProblem(value);
    if (problem === "control") return [{ code: "VALIDATION", message: msg("不能包含控制字符", "Must not contain control characters"), field: path }];
    if (problem === "invisible") return [{ code: "VALIDATION", message: msg("不能包含不可见字符或文字方向控制符", "Must not contain invisible or text-direction characters"), field: path }];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => controlCharacters(v, [...path, String(i)]));
  // An uploaded file's bytes are not text (its name is never used).
  if (value && typeof value === "object" && typeof (value as { arrayBuffer?: unknown }).arrayBuffer === "function") return [];
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.entries(value).flatMap(([k, v]) => controlCharacters(v, [...path, k]));
  }
  return [];
}

export function zodToUserErrors(error: z.ZodError): UserErrorShape[] {
  return error.issues.map((i) => ({
    code: "VALIDATION",
    message: i.message,
    field: ["input", ...i.path.map(String)],
  }));
}

// zod's own messages (wrong type, too short …) in both languages; our schemas give their own where it matters.
z.config({
  customError: (iss) => {
    switch (iss.code) {
      case "invalid_type":
        return msg("格式不正确", "Invalid value");
      case "too_small":
        return iss.origin === "array" ? msg(`至少${iss.minimum}项`, `At least ${iss.minimum} items`) : msg(`不能小于${iss.minimum}`, `Must be at least ${iss.minimum}`);
      case "too_big":
        return iss.origin === "array" ? msg(`最多${iss.maximum}项`, `At most ${iss.maximum} items`) : msg(`不能大于${iss.maximum}`, `Must be at most ${iss.maximum}`);
      case "invalid_value":
        return msg("不是允许的值", "Not an allowed value");
      default:
        return msg("格式不正确", "Invalid value");
    }
  },
});

/**
 * Parses a Relay global ID of the given type(s) into the database id: the uuid in lower case, as
 * PostgreSQL writes it, so that it compares equal to ids read from rows (as idArg's).
 */
export function globalId(...typenames: string[]) {
  return z.string().transform((value, ctx) => {
    try {
      const { typename, id } = decodeGlobalID(value);
      if (typenames.includes(typename) && UUID.test(id)) return id.toLowerCase();
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: "custom", message: msg("无效的编号", `Not a valid ${typenames.join(" or ")} ID`) });
    return z.NEVER;
  });
}

/** Chinese mainland mobile number, 11 digits starting with 1 (normalised first: every form benefits). */
export const phoneNumber = z
  .string()
  .transform(normalisePhone)
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, msg("手机号格式不正确", "Phone must be an 11-digit mainland mobile number")));
export const nonEmpty = (max: number) =>
  z
    .string()
    .trim()
    .min(1, msg("必填", "Required"))
    .max(max, msg(`最多${max}个字`, `At most ${max} characters`));
/**
 * A key the client makes once per intended change (a double tap, a retry after a lost answer, two tabs): the
 * service answers a repeat with what the first made.
 */
export const requestKey = () =>
  z.string().trim().regex(/^[A-Za-z0-9_-]{8,64}$/, msg("请求编号应为8至64位字母、数字、-或_", "The request ID is 8–64 letters, digits, - or _")).nullish();
/** Optional text, trimmed, at most `max` characters. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, msg(`最多${max}个字`, `At most ${max} characters`))
    .nullish();

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/**
 * An instant between 2000 and 2100 (unless the field says otherwise). The DateTime scalar lets an
 * unparseable value through as an invalid Date so that it is reported here, on its field.
 */
export const dateTime = (minYear = MIN_YEAR, maxYear = MAX_YEAR) =>
  z
    .date({ error: msg("不是有效的日期时间", "Not a valid date and time") })
    .refine(
      (d) => d.getUTCFullYear() >= minYear && d.getUTCFullYear() < maxYear,
      msg(`日期须在${minYear}年至${maxYear}年之间`, `The date must be between ${minYear} and ${maxYear}`),
    );
