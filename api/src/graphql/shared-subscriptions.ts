// Subscriptions that execute each published event once per (operation, viewer), not once per
// subscriber. Thousands of dashboards of one station watch the same events with the same selection;
// executing and authorizing the selection for each of them was the fan-out's cost.
import { createSourceEventStream, execute, GraphQLError, Kind, type ExecutionArgs, type ExecutionResult, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import type { Viewer } from "../auth/viewer.js";
import { metrics } from "../metrics.js";
import { maskError } from "./unavailable.js";
import { createLoaders, type Context } from "../context.js";
import type { Locale } from "../i18n.js";
import { localizeResult } from "./localize.js";

/**
 * Results per event object. Pub/sub hands every listener of a process the same object for one
 * published event (in-process and Redis alike), so it identifies the event; the results go away with it.
 */
const resultsByEvent = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();

/** What a result may depend on about the viewer: who they are and every right they hold. */
export function viewerKey(v: Viewer | null): string {
  if (!v) return "anonymous";
  return JSON.stringify([v.accountId, v.volunteerId, v.displayName, v.isAdmin, [...v.officerStationIds], [...v.partnerAdminOf], [...v.teams], [...v.squads]]);
}

/** The same result for the same operation, variables and viewer. */
export function operationKey(query: string, operationName: string | null | undefined, variables: unknown, viewer: Viewer | null, locale: Locale = "zh"): string {
  return `${viewerKey(viewer)}\u0000${locale}\u0000${operationName ?? ""}\u0000${JSON.stringify(variables ?? {})}\u0000${query}`;
}

/** Selection executions for published events since start (`direct`: of them answered directly); tests read deltas. */
export const sharedSubscriptionStats = { executions: 0, direct: 0 };

/**
 * A subscription field whose events can be answered without executing the selection: one event per
 * recipient (nothing to share), thousands at once (a call-up). The access decision is taken once per
 * subscription through the policy (`authorize`), and per event only checks that the row is one the
 * decision covers; the values come from the same functions as the type's resolvers (`fields`, as
 * GraphQL would serialize them). Any other selection — fragments, directives, nested objects,
 * arguments — and any event the decision does not cover go through `execute` as before.
 */
export interface DirectField<R> {
  typeName: string;
  /** The event as the field's `resolve` returns it. */
  resolve: (event: never) => R;
  /** Once per subscription: null when the viewer may not see such rows (execution then says why). */
  authorize: (ctx: Context) => ((row: R) => boolean) | null;
  /** Leaf fields by name: their serialized value. */
  fields: Record<string, (row: R, ctx: Context) => unknown>;
}
const directFields = new Map<string, DirectField<never>>();

/** Registers `field` of Subscription for direct answers (see DirectField). */
export function answerDirectly<R>(field: string, spec: DirectField<R>): void {
  directFields.set(field, spec as unknown as DirectField<never>);
}

type Plan = (payload: unknown) => ExecutionResult | null;

/** The direct answer of this operation, or null when it must be executed. */
function directPlan(args: ExecutionArgs): Plan | null {
  if (!directFields.size) return null;
  const ops = args.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = args.operationName ? ops.find((o) => o.name?.value === args.operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op || op.operation !== "subscription" || op.directives?.length || op.selectionSet.selections.length !== 1) return null;
  const root = op.selectionSet.selections[0]!;
  if (root.kind !== Kind.FIELD || root.directives?.length || !root.selectionSet) return null;
  const spec = directFields.get(root.name.value);
  if (!spec) return null;
  const fragments = new Map(args.document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const leaves = plainLeaves(root.selectionSet, spec, fragments);
  if (!leaves) return null;
  const ctx = args.contextValue as Context;
  const allowed = spec.authorize(ctx);
  if (!allowed) return null;
  const rootKey = root.alias?.value ?? root.name.value;
  return (payload) => {
    const row = spec.resolve(payload as never);
    if (!allowed(row)) return null;
    const out: Record<string, unknown> = {};
    for (const [key, value] of leaves) out[key] = value === null ? spec.typeName : value(row, ctx);
    return { data: { [rootKey]: out } };
  };
}

type Leaf = [string, ((row: never, ctx: Context) => unknown) | null];

/**
 * [response key, value (null: __typename)] of a selection of plain leaf fields, in GraphQL's order,
 * through fragments on the field's own type; null for anything else.
 */
function plainLeaves(set: SelectionSetNode, spec: DirectField<never>, fragments: Map<string, FragmentDefinitionNode>, leaves: Leaf[] = [], depth = 0): Leaf[] | null {
  if (depth > 8) return null;
  for (const sel of set.selections) {
    if (sel.directives?.length) return null;
    if (sel.kind === Kind.FIELD) {
      if (sel.arguments?.length || sel.selectionSet) return null;
      const name = sel.name.value;
      const value = name === "__typename" ? null : spec.fields[name];
      if (value === undefined) return null;
      const key = sel.alias?.value ?? name;
      if (!leaves.some(([k]) => k === key)) leaves.push([key, value]);
      continue;
    }
    const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? fragments.get(sel.name.value) : sel;
    if (!fragment || fragment.directives?.length || (fragment.typeCondition && fragment.typeCondition.name.value !== spec.typeName)) return null;
    if (!plainLeaves(fragment.selectionSet, spec, fragments, leaves, depth + 1)) return null;
  }
  return leaves;
}

const maskOne = (e: unknown) => maskError(e, "Unexpected error.", false, false) as GraphQLError;
const masked = <T extends ExecutionResult>(r: T, locale: Locale): T => {
  if (!r.errors) return r;
  const errors = r.errors.map(maskOne);
  for (const e of errors) metrics.errors.inc({ code: String(e.extensions?.code ?? "NONE") });
  return localizeResult({ ...r, errors }, locale);
};

/**
 * graphql's `subscribe` (the source stream, then the selection executed per event with the event as
 * root), with the per-event execution shared between subscriptions of the same key. Errors are
 * masked as yoga masks them.
 */
export async function subscribeShared(args: ExecutionArgs, key: string): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const locale = (args.contextValue as Context).locale ?? "zh";
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return masked(source, locale);
  const iterator = source[Symbol.asyncIterator]();
  const direct = directPlan(args);
  // Each event is a request of its own: fresh loaders (and a fresh context for Pothos' per-context
  // caches), or facts read at the first event (a leader's consent to share their phone, the
  // viewer's claims) would be served for the subscription's whole life.
  const executeFor = async (payload: unknown) => {
    sharedSubscriptionStats.executions++;
    const ctx = args.contextValue as Context;
    const contextValue = { ...ctx, loaders: createLoaders(ctx.viewer?.volunteerId ?? null, ctx.viewer?.accountId ?? null) };
    return masked(await execute({ ...args, contextValue, rootValue: payload }), locale);
  };
  const run = (payload: unknown) => {
    if (direct) {
      sharedSubscriptionStats.executions++;
      let answer: ExecutionResult | null = null;
      try {
        answer = direct(payload);
      } catch {
        // executed below, where the error is reported as for any other selection
      }
      if (answer) {
        sharedSubscriptionStats.direct++;
        return answer;
      }
      sharedSubscriptionStats.executions--;
    }
    if (typeof payload !== "object" || payload === null) return executeFor(payload);
    let results = resultsByEvent.get(payload);
    if (!results) resultsByEvent.set(payload, (results = new Map()));
    let result = results.get(key);
    if (!result) {
      result = executeFor(payload);
      results.set(key, result);
    }
    return result;
  };
  const done = { value: undefined, done: true } as const;
  let closed = false;
  metrics.subscriptions.inc();
  const close = () => {
    if (!closed) metrics.subscriptions.dec();
    closed = true;
  };
  // A plain iterator, not an async generator: `return()` must reach the source at once, even while
  // it waits for the next event, so an unsubscribe stops listening immediately; and an event that
  // arrives after it is not executed for nobody.
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (closed) return done;
      let r: IteratorResult<unknown>;
      try {
        r = await iterator.next();
      } catch (e) {
        // The source failed (e.g. its replay could not reach the database): one last result with the
        // error, then the end, so the client resubscribes from its cursor; the socket stays open.
        close();
        const error = e instanceof GraphQLError ? e : new GraphQLError((e as Error)?.message ?? String(e), { originalError: e as Error });
        return { value: masked({ errors: [error] }, locale), done: false };
      }
      if (r.done || closed) {
        close();
        return done;
      }
      return { value: await run(r.value), done: false };
    },
    async return() {
      close();
      await iterator.return?.();
      return done;
    },
    async throw(e: unknown) {
      close();
      await iterator.return?.();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return mapped;
}
