// The public commendation board is read by every big screen and phone of a station without signing
// in, and changes a few times a day. Anonymous board queries are answered from a short-lived cache
// per process, dropped for a station the moment its board changes (on every process, through the
// pub/sub), and otherwise kept at most PUBLIC_CACHE_SECONDS (names and counts may change quietly).
import { Kind, print, type DocumentNode, type ExecutionArgs, type ExecutionResult, type FieldNode, type OperationDefinitionNode, type ValueNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { config } from "../config.js";
import type { Context } from "../context.js";
import { onBusResume, pubsub } from "../pubsub.js";
import { idArg } from "./ids.js";

/** Root fields whose answer is the same for everyone who is not signed in. */
const PUBLIC_ROOT_FIELDS = new Set(["commendationBoard"]);
const MAX_ENTRIES = 2000;

interface Entry {
  result: ExecutionResult;
  stationId: string;
  expires: number;
}
const entries = new Map<string, Entry>();
/** Bumped when a station's board changes; a result computed across a bump is not stored. */
const generations = new Map<string, number>();
export const publicCacheStats = { hits: 0, misses: 0 };

export function invalidatePublicBoard(stationId: string) {
  generations.set(stationId, (generations.get(stationId) ?? 0) + 1);
  for (const [key, e] of entries) if (e.stationId === stationId) entries.delete(key);
}

// Invalidations sent while Redis was away are lost: after an outage, start afresh.
onBusResume(() => entries.clear());

let listening = false;
async function listen() {
  if (listening) return;
  listening = true;
  try {
    for await (const { stationId } of pubsub.subscribe("publicBoardChanged")) invalidatePublicBoard(stationId);
  } catch (e) {
    console.error(`[public cache] invalidation stopped: ${(e as Error).message}; caching off`);
  } finally {
    listening = false;
    entries.clear();
  }
}

function argumentValue(node: ValueNode | undefined, variables: Record<string, unknown> | null | undefined): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
  if (node.kind === Kind.STRING) return node.value;
  return undefined;
}

/** The station an anonymous, board-only query reads, or null when the query is not cacheable. */
function cacheableStation(args: ExecutionArgs): string | null {
  const ops = args.document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = args.operationName ? ops.find((o) => o.name?.value === args.operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op || op.operation !== "query" || op.selectionSet.selections.length !== 1) return null;
  const field = op.selectionSet.selections[0]!;
  if (field.kind !== Kind.FIELD || !PUBLIC_ROOT_FIELDS.has(field.name.value) || field.directives?.length) return null;
  const station = argumentValue((field as FieldNode).arguments?.find((a) => a.name.value === "stationId")?.value, args.variableValues);
  if (typeof station !== "string") return null;
  try {
    return idArg(station, "Station", "stationId");
  } catch {
    return null; // executed normally, to answer with the error
  }
}

/** Yoga reuses the parsed document of a query it has seen, so it is printed once. */
const printed = new WeakMap<DocumentNode, string>();
function documentKey(d: DocumentNode) {
  let s = printed.get(d);
  if (s === undefined) printed.set(d, (s = print(d)));
  return s;
}

export function publicCachePlugin(): Plugin {
  void listen();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (config.publicCacheSeconds === 0 || !listening || (args.contextValue as unknown as Context).viewer) return;
      const stationId = cacheableStation(args);
      if (!stationId) return;
      const key = `${args.operationName ?? ""}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${documentKey(args.document)}`;
      const hit = entries.get(key);
      if (hit && hit.expires > Date.now()) {
        publicCacheStats.hits++;
        setResultAndStopExecution(hit.result);
        return;
      }
      publicCacheStats.misses++;
      const generation = generations.get(stationId) ?? 0;
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result || result.errors || (generations.get(stationId) ?? 0) !== generation) return;
          if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
          entries.set(key, { result, stationId, expires: Date.now() + config.publicCacheSeconds * 1000 });
        },
      };
    },
  };
}
