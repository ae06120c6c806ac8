// The hot path of /graphql: a JSON POST of a query (the commendation board and the shift board are
// what phones and station screens ask most) is answered without yoga's HTTP layer — whatwg-node's
// Request and Response objects, the request parser, yoga's per-request hooks and result processors —
// which cost about a fifth of the server's CPU per request (docs/performance.md, issue 20).
//
// It runs yoga's own envelop (parse and validation caches, armor, cursor and cost limits, the public
// cache, masking, scope-auth, the context) and answers as yoga does: the same status, body and
// headers, apart from x-request-id (test/direct-path.test.ts sends each request both ways). Only the
// plain case is answered here. Anything else goes to yoga, with the body already read: another method
// or media type, no Content-Length or a large body, params yoga would question, a document that is
// not a trusted query, a mutation or subscription. An execution with errors (or extensions), or
// one that threw, is answered by yoga too, from its result or error (`directResults`), not run
// again. So every refusal and every error keeps one implementation, yoga's.
import type { IncomingMessage, ServerResponse } from "node:http";
import { getCORSHeadersByRequestAndOptions } from "@whatwg-node/server";
import { getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { createGraphQL } from "../app.js";
import { config } from "../config.js";
import type { Context } from "../context.js";
import { finishRequest, noteExecution, requestState, startRequest } from "../server/observability.js";
import { corsFor, withVaryOrigin } from "../server/security.js";
import { chooseEncoding, compressBody, MIN_BYTES } from "./compression.js";
import { trustedDocuments } from "./trusted-documents.js";

/** Bodies above this go to yoga from the start (a query's body is a few hundred bytes). */
export const DIRECT_MAX_BODY = 64 * 1024;
/**
 * yoga reads a body as JSON only for a Content-Type of exactly `application/json` or one that starts
 * with `application/json;` (case and spaces count: `Application/JSON` and `application/json ;…` are
 * 415 there); the direct path also wants the charset, if any, to be UTF-8.
 */
const JSON_BODY = "application/json";
const UTF8_PARAM = /^;\s*charset=utf-8\s*$/i;
const PARAMS = new Set(["query", "variables", "operationName", "extensions"]);
/** yoga's media types for a single result, in its order (plugins/use-result-processor.js). */
const REGULAR = ["application/graphql-response+json", "application/json"] as const;

/** How many requests each path took (tests ask which path answered). */
export const directStats = { answered: 0, passed: 0 };

/** What the direct path made of a request it hands over: a result with errors, or what was thrown. */
type Executed =
  | { result: ExecutionResult; document: DocumentNode; operationName: string | undefined; viewer: Context["viewer"] | undefined }
  | { thrown: unknown };
/** Results of the direct path's executions that yoga answers (by the Node request it handles next). */
const results = new WeakMap<IncomingMessage, Executed>();

/**
 * yoga's side: a request the direct path executed and handed over is answered from that result, so
 * that an execution with errors is neither run twice nor answered by other code than yoga's.
 */
export function directResults(): Plugin {
  return {
    onParams({ request, context, setResult, setParamsHandler }) {
      const req = (context as { req?: IncomingMessage }).req;
      const executed = req && results.get(req);
      if (!executed) return;
      results.delete(req);
      // Thrown (the database away or saturated while the context was made): yoga answers the error
      // as if its own handler had thrown it, masked (a 503 for unavailability).
      if ("thrown" in executed) return setParamsHandler(() => Promise.reject(executed.thrown));
      const state = requestState(request);
      if (state) noteExecution(state, executed.document, executed.operationName, executed.viewer);
      setResult(executed.result);
    },
  };
}

type Yoga = ReturnType<typeof createGraphQL>;
type Params = { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * The media type yoga would answer a single result with for this Accept header, or null when it
 * would not use its regular processor (getMediaTypesForRequestInOrder and the processor loop of
 * graphql-yoga's result processing: the last match wins).
 */
export function answerType(accept: string | undefined): (typeof REGULAR)[number] | null {
  const asked: string[] = [];
  for (const part of (accept || "*/*").replace(/\s/g, "").toLowerCase().split(",")) {
    const [type, ...params] = part.split(";");
    if (type === undefined) continue;
    if ((params.find((p) => p.includes("charset=")) || "charset=utf-8") !== "charset=utf-8") continue;
    asked.push(type);
  }
  let chosen: (typeof REGULAR)[number] | null = null;
  for (const type of asked.reverse()) {
    const [pre, suf] = type.split("/");
    for (const offered of REGULAR) {
      const [offeredPre, offeredSuf] = offered.split("/");
      if ((pre === "*" || pre === offeredPre) && (suf === "*" || suf === offeredSuf)) chosen = offered;
    }
  }
  return chosen;
}

/** Whether the request's headers allow the direct path, and the media type of its answer. */
function eligible(req: IncomingMessage): (typeof REGULAR)[number] | null {
  if (req.method !== "POST" || req.url !== "/graphql") return null;
  const type = req.headers["content-type"];
  if (!type?.startsWith(JSON_BODY) || (type.length > JSON_BODY.length && !UTF8_PARAM.test(type.slice(JSON_BODY.length)))) return null;
  if (req.headers["transfer-encoding"] !== undefined) return null;
  const length = req.headers["content-length"];
  if (!length || !/^\d+$/.test(length)) return null;
  const n = Number(length);
  if (n === 0 || n > DIRECT_MAX_BODY || n > config.maxBodyBytes) return null;
  return answerType(req.headers.accept);
}

/** The trusted document the params ask for, as yoga's persisted-operations plugin would find it, or null. */
function documentOf(params: Params): string | null {
  for (const key of Object.keys(params)) if (!PARAMS.has(key)) return null;
  const { query, variables, operationName, extensions } = params;
  if (variables != null && !isObject(variables)) return null;
  if (operationName != null && typeof operationName !== "string") return null;
  if (extensions != null && !isObject(extensions)) return null;
  if (query !== undefined) return typeof query === "string" && query !== "" && config.allowArbitraryOperations ? query : null;
  const persisted = extensions?.persistedQuery;
  if (!isObject(persisted) || persisted.version !== 1 || typeof persisted.sha256Hash !== "string") return null;
  return trustedDocuments.get(persisted.sha256Hash) ?? null;
}

/** The Fetch-like request the context and the CORS headers read (headers only). */
function fetchLike(req: IncomingMessage) {
  const get = (name: string) => {
    const v = req.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  };
  return { method: "POST", url: "http://localhost/graphql", headers: { get, has: (name: string) => get(name) !== null } };
}

/**
 * `handle(req, res)` answers the request and returns true when the direct path takes it (it may
 * still hand it to `toYoga` once the body is read); false: the caller gives it to yoga.
 */
export function directPath(yoga: Yoga, toYoga: (req: IncomingMessage, res: ServerResponse) => void, failed: (res: ServerResponse, e: unknown) => void) {
  /** To yoga, with the body read; with the execution's result when there is one (not run twice). */
  const passOn = (req: IncomingMessage, res: ServerResponse, body: Buffer, executed?: Executed) => {
    directStats.passed++;
    if (executed) results.set(req, executed);
    // whatwg-node takes a body already read from `req.body` (normalizeNodeRequest).
    (req as IncomingMessage & { body?: Buffer }).body = body;
    toYoga(req, res);
  };

  async function run(req: IncomingMessage, res: ServerResponse, body: Buffer, type: (typeof REGULAR)[number]) {
    const state = startRequest(req.headers["x-request-id"] as string | undefined);
    let params: Params;
    try {
      params = JSON.parse(body.toString("utf8")) as Params;
    } catch {
      return passOn(req, res, body);
    }
    if (!isObject(params)) return passOn(req, res, body);
    const query = documentOf(params);
    if (query === null) return passOn(req, res, body);
    const request = fetchLike(req);
    const operationName = (params.operationName as string | null | undefined) ?? undefined;
    if (operationName) state.operation = operationName;
    const enveloped = yoga.getEnveloped({ req, res, request, params: { ...params, query } } as never);
    let document;
    try {
      document = enveloped.parse(query);
    } catch {
      return passOn(req, res, body);
    }
    if (enveloped.validate(enveloped.schema, document).length) return passOn(req, res, body);
    if (getOperationAST(document, operationName)?.operation !== "query") return passOn(req, res, body);
    let result: ExecutionResult;
    let contextValue: Context;
    try {
      contextValue = (await enveloped.contextFactory()) as unknown as Context;
      const args: ExecutionArgs = { schema: enveloped.schema, document, contextValue, variableValues: params.variables as Record<string, unknown> | undefined, operationName };
      result = (await enveloped.execute(args)) as ExecutionResult;
    } catch (thrown) {
      return passOn(req, res, body, { thrown });
    }
    if (result === null || typeof result !== "object" || Symbol.asyncIterator in result) return passOn(req, res, body);
    // Errors (and extensions) are answered by yoga, from this result: its statuses, localization, hints.
    if (result.errors?.length || result.extensions !== undefined) return passOn(req, res, body, { result, document, operationName, viewer: contextValue.viewer });
    directStats.answered++;
    noteExecution(state, document, operationName, contextValue.viewer);
    const json = JSON.stringify(result);
    const headers: Record<string, string> = { "content-type": `${type}; charset=utf-8` };
    const cors = corsFor(req.headers.origin, req);
    if (cors) for (const [name, value] of Object.entries(getCORSHeadersByRequestAndOptions(request as never, cors) ?? {})) headers[name.toLowerCase()] = value;
    headers["x-request-id"] = finishRequest(state, 200);
    const encoding = chooseEncoding(req.headers["accept-encoding"] ?? null);
    const length = Buffer.byteLength(json);
    if (encoding && length >= MIN_BYTES) {
      const { body: packed, encoded } = compressBody(Buffer.from(json), encoding);
      headers.vary = headers.vary ? `${headers.vary}, accept-encoding` : "accept-encoding";
      headers.vary = withVaryOrigin(headers.vary);
      if (encoded) headers["content-encoding"] = encoded;
      headers["content-length"] = String(packed.length);
      return void res.writeHead(200, headers).end(packed);
    }
    headers.vary = withVaryOrigin(headers.vary);
    headers["content-length"] = String(length);
    res.writeHead(200, headers).end(json);
  }

  return function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const type = eligible(req);
    if (!type) return false;
    const chunks: Buffer[] = [];
    // A client gone mid-body: nothing to answer (without a listener the error would end the process).
    req.on("error", () => res.destroy());
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      run(req, res, body, type).catch((e) => failed(res, e));
    });
    return true;
  };
}
