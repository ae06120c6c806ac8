// Request limits that apply to every operation, whatever module defined the field.
//
// graphql-armor (Escape's maintained GraphQL protections) bounds what a document may ask before it
// runs: tokens while parsing, then aliases, directives, depth and cost as validation rules that
// remember each fragment's result, so a document of fragments spreading fragments costs linear time
// to refuse. armor reads only literal `first` values; `executionLimits` hands its cost rule the
// page sizes the request will really use (variables, defaults, the number of `ids`) before execution.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  GraphQLObjectType,
  Kind,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  validate,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { createYoga, type Plugin } from "graphql-yoga";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../config.js";
import type { Context } from "../context.js";
import { localize, msg } from "../i18n.js";
import { overHttp } from "./localize.js";
import { countMutations } from "../server/rate-limits.js";
import { UUID } from "../lib/uuid.js";
import { KEYSET_EXTENSION, keysetCursorShape } from "./list-cursor.js";

export interface OperationLimits {
  maxTokens: number;
  maxAliases: number;
  maxDepth: number;
  maxDirectives: number;
  maxCost: number;
}
export type Measured = Partial<Record<keyof OperationLimits, number>>;

const CODES: Record<keyof OperationLimits, string> = {
  maxTokens: "TOKEN_LIMIT",
  maxAliases: "ALIAS_LIMIT",
  maxDepth: "DEPTH_LIMIT",
  maxDirectives: "DIRECTIVE_LIMIT",
  maxCost: "COST_LIMIT",
};

const MESSAGES: Record<keyof OperationLimits, (n: number) => string> = {
  maxTokens: (n) => msg(`查询过长：最多${n}个词法单元`, `The document is too long: at most ${n} tokens`),
  maxAliases: (n) => msg(`查询别名过多：最多${n}个`, `Too many aliases: at most ${n}`),
  maxDepth: (n) => msg(`查询嵌套过深：最多${n}层`, `The query is nested too deeply: at most ${n} levels`),
  maxDirectives: (n) => msg(`指令过多：最多${n}个`, `Too many directives: at most ${n}`),
  maxCost: (n) => msg(`查询代价过高（上限${n}）：请减少每页条数或嵌套`, `The query asks for too much (cost limit ${n}): ask for smaller pages or less nesting`),
};

/**
 * armor's cost: 2 per object, 1 per scalar, times the page size of each list above it. armor's default
 * also multiplies by 1.5 for every level of nesting, which a Relay connection (edges → node: two
 * levels per list) turns into thousands for an ordinary page; without it the cost is close to the
 * number of values an answer can hold.
 */
const COST_MODEL = { objectCost: 2, scalarCost: 1, depthCostFactor: 1 };

export function limitError(key: keyof OperationLimits, limit: number): GraphQLError {
  return new GraphQLError(MESSAGES[key](limit), { extensions: { code: CODES[key], limit, http: { status: 400 } } });
}

/**
 * graphql-armor's protections as one envelop/yoga plugin. A refused document gets one error with a
 * code (`ALIAS_LIMIT` …) and HTTP 400, and never executes. `measured` collects the numbers of
 * accepted documents (test/limits.test.ts). Field suggestions ("Did you mean …") are masked unless
 * `suggestions`.
 */
export function armorPlugin(limits: OperationLimits, opts: { suggestions: boolean; measured?: Measured }): Plugin {
  const accept = (key: keyof OperationLimits) => [(_ctx: ValidationContext | null, d: { n: number }) => opts.measured && (opts.measured[key] = Math.max(opts.measured[key] ?? 0, d.n))];
  const reject = (key: keyof OperationLimits) => [
    (ctx: ValidationContext | null) => {
      const error = limitError(key, limits[key]);
      // Validation rules report; the token counter runs inside the parser and stops it by throwing.
      if (ctx) ctx.reportError(error);
      else throw error;
    },
  ];
  const rule = (key: keyof OperationLimits) => ({ onAccept: accept(key), onReject: reject(key), propagateOnRejection: false });
  return EnvelopArmorPlugin({
    maxTokens: { n: limits.maxTokens, ...rule("maxTokens") },
    maxAliases: { n: limits.maxAliases, ...rule("maxAliases") },
    maxDirectives: { n: limits.maxDirectives, ...rule("maxDirectives") },
    // Fragments are no level of their own: depth is what the response nests.
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...rule("maxDepth") },
    costLimit: { maxCost: limits.maxCost, ...COST_MODEL, ...rule("maxCost") },
    blockFieldSuggestion: { enabled: !opts.suggestions, mask: "" },
  }) as Plugin;
}

/**
 * The operation as the request will run it, for the cost rule: every paged field's `first`/`last` is
 * the number it will use (a literal, the variable's value or default, or the default page size), and
 * `nodes(ids:)` counts its IDs like a page.
 */
function withEffectivePageSizes(schema: GraphQLSchema, document: DocumentNode, value: ArgumentValue): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode) {
        const def = typeInfo.getFieldDef();
        if (!def) return undefined;
        const names = def.args.map((a) => a.name);
        let size: number | null = null;
        if (names.includes("first") || names.includes("last")) {
          const given = ["first", "last"].map((n) => value(node.arguments?.find((a) => a.name.value === n))).filter((v): v is number => typeof v === "number");
          size = given.length ? Math.max(...given) : DEFAULT_PAGE_SIZE;
        } else if (names.includes("ids")) {
          const ids = value(node.arguments?.find((a) => a.name.value === "ids"));
          size = Array.isArray(ids) ? ids.length : 1;
        }
        if (size === null) return undefined;
        const others = (node.arguments ?? []).filter((a) => a.name.value !== "first" && a.name.value !== "last");
        const first: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: "first" }, value: { kind: Kind.INT, value: String(Math.max(1, Math.floor(size))) } };
        return { ...node, arguments: [first, ...others] };
      },
    }),
  );
}

type Variables = Record<string, unknown> | null | undefined;
type ArgumentValue = (arg: ArgumentNode | undefined) => unknown;

/**
 * Each operation of the document (with the fragments) and how its arguments take their values: a
 * variable's default belongs to its operation (two operations may give `$n` different defaults), and
 * only the request's own variables count, as in graphql's coercion (not `toString` of the prototype).
 */
function operations(document: DocumentNode, variables: Variables): { document: DocumentNode; value: ArgumentValue }[] {
  const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const rest = document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION);
  const given = (name: string) => variables != null && typeof variables === "object" && Object.hasOwn(variables, name);
  const own = (name: string) => (given(name) ? variables![name] : undefined);
  return (ops.length ? ops : [undefined]).map((op) => {
    const defaults = new Map<string, unknown>();
    for (const v of op?.variableDefinitions ?? []) if (v.defaultValue) defaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));
    const scope = Object.fromEntries([...defaults, ...(op?.variableDefinitions ?? []).filter((v) => given(v.variable.name.value)).map((v) => [v.variable.name.value, own(v.variable.name.value)] as const)]);
    const value: ArgumentValue = (arg) => {
      if (!arg) return undefined;
      if (arg.value.kind === Kind.VARIABLE) {
        const name = arg.value.name.value;
        return given(name) ? own(name) : defaults.get(name);
      }
      return valueFromASTUntyped(arg.value, scope);
    };
    return { document: ops.length > 1 ? { ...document, definitions: [op!, ...rest] } : document, value };
  });
}

function cursorError(name: string): GraphQLError {
  return new GraphQLError(msg(`\`${name}\` 不是有效的游标`, `\`${name}\` is not a valid cursor`), { extensions: { code: "BAD_USER_INPUT", argument: name } });
}

/**
 * The first `after`/`before` anywhere in the document that is no cursor of this API. Checked before
 * execution: a connection inside `node(id:)` is loaded with its parent (Pothos hoists it into the
 * parent's query), where a bad cursor failed the load and `node` answered null.
 */
export function badCursor(schema: GraphQLSchema, document: DocumentNode, variables: Variables): GraphQLError | null {
  for (const op of operations(document, variables)) {
    const typeInfo = new TypeInfo(schema);
    let error: GraphQLError | null = null;
    visit(
      op.document,
      visitWithTypeInfo(typeInfo, {
        Field(node: FieldNode) {
          if (error) return false;
          const def = typeInfo.getFieldDef();
          if (!def) return undefined;
          for (const a of def.args) {
            if (a.name !== "after" && a.name !== "before") continue;
            const v = op.value(node.arguments?.find((n) => n.name.value === a.name));
            if (typeof v === "string" && !validCursor(v, cursorKind(def))) error = cursorError(a.name);
          }
          return undefined;
        },
      }),
    );
    if (error) return error;
  }
  return null;
}

/** Arguments whose values the cursor check and the effective cost read. */
const SIZED = new Set(["first", "last", "after", "before", "ids"]);

/** Bounds of each memo: a key is the JSON of the variables it reads, and a body may hold 1 MB of them. */
export const MEMO_BOUNDS = { keyChars: 8192, chars: 4 * 1024 * 1024, entries: 4096 };

/**
 * Results of the pre-execution checks per parsed document (yoga keeps one parsed document per query
 * text) and per value of the variables those checks read: two visits of the whole document per
 * request were 8% of the shift board's server CPU (issue 20). The checks are pure functions of the
 * schema, the document and those values. All documents share one map bounded in entries and key
 * characters (`MEMO_BOUNDS`): per document it grew by a key per distinct value — a client paging
 * through cursors, or one sending a different 1 MB `ids` or cursor per request to each document.
 */
export function remembered<T>() {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, { id: number; names: string[] }>>();
  let documents = 0;
  const results = new Map<string, T>();
  let chars = 0;
  const entry = (schema: GraphQLSchema, document: DocumentNode) => {
    let docs = bySchema.get(schema);
    if (!docs) bySchema.set(schema, (docs = new WeakMap()));
    let e = docs.get(document);
    if (!e) {
      const names = new Set<string>();
      visit(document, {
        Argument(node) {
          if (!SIZED.has(node.name.value)) return false;
          visit(node.value, { Variable: (v) => void names.add(v.name.value) });
          return false;
        },
      });
      docs.set(document, (e = { id: ++documents, names: [...names] }));
    }
    return e;
  };
  // An absent variable takes its default, a null one does not: [value] when given, 0 when absent
  // (the request's own properties only, as graphql coerces them). Too deep to serialize or too long:
  // not remembered. (A loop, not closures: this runs for every request.)
  const keyOf = (schema: GraphQLSchema, document: DocumentNode, variables: Variables) => {
    const e = entry(schema, document);
    const values: unknown[] = [];
    const object = variables != null && typeof variables === "object";
    for (const n of e.names) values.push(object && Object.hasOwn(variables, n) ? [variables[n]] : 0);
    try {
      const key = `${e.id}:${JSON.stringify(values)}`;
      return key.length > MEMO_BOUNDS.keyChars ? null : key;
    } catch {
      return null;
    }
  };
  return {
    get(schema: GraphQLSchema, document: DocumentNode, variables: Variables): T | undefined {
      const key = keyOf(schema, document, variables);
      return key === null ? undefined : results.get(key);
    },
    set(schema: GraphQLSchema, document: DocumentNode, variables: Variables, value: T) {
      const key = keyOf(schema, document, variables);
      if (key === null || results.has(key)) return;
      if (results.size >= MEMO_BOUNDS.entries || chars + key.length > MEMO_BOUNDS.chars) {
        results.clear();
        chars = 0;
      }
      results.set(key, value);
      chars += key.length;
    },
    /** Entries and key characters held (tests). */
    size: () => ({ entries: results.size, chars }),
  };
}

/** The cost armor computes for the document with the page sizes it will use (the largest of its operations). */
export function effectiveCost(schema: GraphQLSchema, document: DocumentNode, variables: Variables): number {
  let cost = 0;
  const rule = costLimitRule({
    maxCost: Number.MAX_SAFE_INTEGER,
    ...COST_MODEL,
    onAccept: [(_c, d: { n: number }) => (cost = Math.max(cost, d.n))],
    onReject: [() => (cost = Number.POSITIVE_INFINITY)],
    propagateOnRejection: false,
  });
  for (const op of operations(document, variables)) validate(schema, withEffectivePageSizes(schema, op.document, op.value), [rule]);
  return cost;
}

/**
 * What armor counts for a document (tokens, aliases, directives, depth, cost as written) and its cost
 * with the page sizes it will use: test/limits.test.ts holds the web app's operations to half the limits.
 */
export function measureDocument(schema: GraphQLSchema, source: string, variables: Record<string, unknown> = {}): Required<Measured> & { errors: string[] } {
  const measured: Measured = {};
  const unlimited = { maxTokens: 1e9, maxAliases: 1e9, maxDepth: 1e9, maxDirectives: 1e9, maxCost: Number.MAX_SAFE_INTEGER };
  const { parse, validate } = createYoga({ schema, logging: false, plugins: [armorPlugin(unlimited, { suggestions: true, measured })] }).getEnveloped({});
  const document = parse(source);
  const errors = (validate(schema, document) as readonly GraphQLError[]).map((e) => e.message);
  const written = measured.maxCost ?? 0;
  return { maxTokens: 0, maxAliases: 0, maxDepth: 0, maxDirectives: 0, ...measured, maxCost: Math.max(written, effectiveCost(schema, document, variables)), errors };
}

/**
 * Refuses, before execution, a document with a malformed cursor (`badCursor`), then an operation whose
 * cost with its real page sizes exceeds `maxCost`. One hook and one memo for both (each was a plugin
 * with its own memo: two keys and two hook calls per request): a document's cost is remembered only
 * when its cursors are good, so an error is made anew for each request that has one.
 */
export function executionLimits(maxCost: number, costs = remembered<number>()): Plugin {
  const check = (schema: GraphQLSchema, document: DocumentNode, variables: Variables) => {
    let cost = costs.get(schema, document, variables);
    if (cost === undefined) {
      const error = badCursor(schema, document, variables);
      if (error) return error;
      costs.set(schema, document, variables, (cost = effectiveCost(schema, document, variables)));
    }
    return cost > maxCost ? limitError("maxCost", maxCost) : null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.schema, args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.schema, args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/** Every connection's `first`/`last` must be within 0..MAX_PAGE_SIZE: a clear error, not a silent clamp. */
export function enforcePageSizeLimit(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const limited = field.args.filter((a) => a.name === "first" || a.name === "last").map((a) => a.name);
      const cursors = field.args.filter((a) => a.name === "after" || a.name === "before").map((a) => a.name);
      if (!limited.length && !cursors.length) continue;
      const resolve = field.resolve;
      const subscribe = field.subscribe;
      const check = (args: Record<string, unknown>) => {
        for (const name of cursors) {
          const v = args[name];
          if (typeof v === "string" && !validCursor(v, cursorKind(field))) throw cursorError(name);
        }
        for (const name of limited) {
          const v = args[name];
          if (typeof v === "number" && (v < 0 || v > MAX_PAGE_SIZE)) {
            throw new GraphQLError(msg(`\`${name}\` 须在0到${MAX_PAGE_SIZE}之间，收到${v}`, `\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}, got ${v}`), {
              extensions: { code: "BAD_USER_INPUT", argument: name },
            });
          }
        }
      };
      if (resolve) field.resolve = (src, args, ctx, info) => (check(args), resolve(src, args, ctx, info));
      if (subscribe) field.subscribe = (src, args, ctx, info) => (check(args), subscribe(src, args, ctx, info));
    }
  }
  return schema;
}

/** The lists whose rows have bigint ids (the audit log, the inbox): every other list's rows have uuids. */
const BIGINT_ROWS = new Set(["AuditEntry", "Notification"]);
/** The cursors a list takes: a row id of either kind, or a keyset list's sort values (its number of parts, list-cursor.ts). */
type CursorKind = "bigint" | "uuid" | number;
const rowsOfField = new WeakMap<object, CursorKind>();
function cursorKind(field: { type: GraphQLOutputType; extensions?: Readonly<Record<string, unknown>> | null }): CursorKind {
  let known = rowsOfField.get(field);
  if (known === undefined) {
    const connection = getNamedType(field.type);
    const edge = connection instanceof GraphQLObjectType ? getNamedType(connection.getFields().edges?.type) : undefined;
    const node = edge instanceof GraphQLObjectType ? getNamedType(edge.getFields().node?.type) : undefined;
    const parts = field.extensions?.[KEYSET_EXTENSION];
    known = typeof parts === "number" ? parts : node && BIGINT_ROWS.has(node.name) ? "bigint" : "uuid";
    rowsOfField.set(field, known);
  }
  return known;
}

/**
 * Cursors this API hands out: a row id (Pothos prisma, "GPC:S:<uuid>", "GPC:N:<bigint>"), a keyset
 * list's sort values ("GPC:T:[…]", each checked by the list) or an offset ("OffsetConnection:<n>").
 * Anything else is the caller's mistake, not a database error; so is a cursor of another kind than the
 * list's (`cursorKind`: a number on a list of uuid rows made the parent's query throw).
 */
export function validCursor(cursor: string, kind?: CursorKind): boolean {
  if (cursor.length > 300) return false;
  const raw = Buffer.from(cursor, "base64").toString("utf8");
  if (typeof kind === "number" || raw.startsWith("GPC:T:")) return typeof kind === "number" && keysetCursorShape(raw, kind);
  if (raw.startsWith("GPC:S:")) return kind !== "bigint" && UUID.test(raw.slice(6));
  if (raw.startsWith("GPC:N:")) return kind !== "uuid" && /^\d{1,18}$/.test(raw.slice(6));
  if (raw.startsWith("GPC:I:")) return kind !== "uuid" && /^\d{1,19}$/.test(raw.slice(6)); // BigInt keys (the audit log)
  const offset = /^OffsetConnection:(\d{1,7})$/.exec(raw);
  return !!offset;
}

/** Schema introspection off (production, unless GRAPHQL_INTROSPECTION=1); `__typename` stays. */
export function noIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** An error without hints: no "Did you mean …" (field, argument or enum value) and no parser details. */
function withoutHints<E extends Error>(e: E): E | GraphQLError {
  if (!(e instanceof GraphQLError)) return e;
  const message = e.message.replace(SUGGESTION, "");
  const { originalError: details, ...extensions } = e.extensions ?? {};
  if (message === e.message && details === undefined) return e;
  // yoga answers 400 (not 200) for such an error because of those details: keep its status.
  if (details !== undefined && extensions.http) extensions.http = { ...(extensions.http as object), spec: false };
  return new GraphQLError(message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions });
}

const hintless = <T extends { errors?: readonly GraphQLError[] }>(result: T): T => (result.errors?.length ? { ...result, errors: result.errors.map((e) => withoutHints(e)) } : result);

/**
 * Errors tell the caller what was wrong, not what exists (production, unless GRAPHQL_INTROSPECTION=1):
 * armor hides field suggestions in validation only; enum values coerced from variables still suggest
 * ("Did you mean the enum value …"), and yoga attaches the JSON parser's error to a malformed body.
 */
export function noHints(): Plugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map(withoutHints));
      };
    },
    // Over HTTP the answer passes `onResultProcess` below: no hook left behind for its execution.
    onExecute({ args }) {
      if (overHttp(args.contextValue)) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult(hintless(result));
        },
      };
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !("errors" in result) || !result.errors?.length) return;
      setResult(hintless(result as { errors: readonly GraphQLError[] }));
    },
  };
}

/** Root fields an operation selects, through fragments too (each alias counts). */
function rootFields(set: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): number {
  let n = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) n += sel.name.value === "__typename" ? 0 : 1;
    else if (sel.kind === Kind.INLINE_FRAGMENT) n += rootFields(sel.selectionSet, document, seen);
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const frag = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value);
      if (frag?.kind === Kind.FRAGMENT_DEFINITION) n += rootFields(frag.selectionSet, document, seen);
    }
  }
  return n;
}

/** HTTP 429 with Retry-After (over the socket: the same error). */
export function tooManyRequests(retryAfterSeconds: number, locale: Context["locale"]): GraphQLError {
  return new GraphQLError(localize(msg(`操作过于频繁，请${retryAfterSeconds}秒后再试`, `Too many requests: try again in ${retryAfterSeconds} seconds`), locale), {
    extensions: { code: "RATE_LIMITED", retryAfterSeconds, http: { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } } },
  });
}

/** Mutations per signed-in account (RATE_LIMIT_MUTATIONS_PER_MINUTE); each mutation field counts. */
export function mutationRateLimit(): Plugin {
  return {
    // A promise only for a mutation: envelop waits a turn for any hook that returns one.
    onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as unknown as Context;
      if (!ctx.viewer) return;
      const op = getOperationAST(args.document, args.operationName);
      if (op?.operation !== "mutation") return;
      return countMutations(ctx.viewer.accountId, rootFields(op.selectionSet, args.document)).then((wait) => {
        if (wait !== null) setResultAndStopExecution({ errors: [tooManyRequests(wait, ctx.locale)] });
      });
    },
  };
}
