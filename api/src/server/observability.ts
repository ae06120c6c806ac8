// One log line and one metric sample per GraphQL request over HTTP: request id (the client's
// x-request-id when it is a plain token, else a new one; echoed in the answer), operation name and
// type, account id, duration, HTTP status and error codes. Never variables, never personal data.
import { randomUUID } from "node:crypto";
import { getOperationAST, type DocumentNode, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { requestLog } from "../log.js";
import { metrics } from "../metrics.js";

export interface RequestState {
  id: string;
  start: number;
  operation?: string;
  type?: string;
  account?: string;
  codes: string[];
}

/** Everything the request's log line says (it is written without redaction: nothing personal goes here). */
interface RequestLine {
  reqId: string;
  operation: string;
  type: string | undefined;
  /** the account's id, never its phone or name */
  account: string | undefined;
  status: number;
  ms: number;
  errors?: string[];
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Operation names become metric labels: a bounded set, the rest counted as "other". */
const MAX_OPERATION_LABELS = 300;
const operationLabels = new Set<string>();

function operationLabel(name: string | undefined): string {
  if (!name) return "anonymous";
  if (!OPERATION_NAME.test(name)) return "other";
  if (operationLabels.has(name)) return name;
  if (operationLabels.size >= MAX_OPERATION_LABELS) return "other";
  operationLabels.add(name);
  return name;
}

function errorCodes(result: unknown): string[] {
  const errors = (result as ExecutionResult | undefined)?.errors;
  return errors ? errors.map((e) => String(e.extensions?.code ?? "NONE")) : [];
}

/** A request's state from its start: the id to echo, and what its log line will say. */
export function startRequest(givenId: string | null | undefined): RequestState {
  return { id: givenId && REQUEST_ID.test(givenId) ? givenId : randomUUID(), start: performance.now(), codes: [] };
}

/** What the execution says about the request: its operation, type and account. */
export function noteExecution(s: RequestState, document: DocumentNode, operationName: string | null | undefined, viewer: Context["viewer"] | undefined) {
  const op = getOperationAST(document, operationName);
  s.operation = op?.name?.value ?? s.operation;
  s.type = op?.operation;
  s.account = viewer?.accountId;
}

/** The request's end: its log line and metric sample; returns the id for `x-request-id`. */
export function finishRequest(s: RequestState, status: number): string {
  const seconds = (performance.now() - s.start) / 1000;
  const operation = operationLabel(s.operation);
  metrics.requestDuration.observe({ operation, type: s.type ?? "none", status: String(status) }, seconds);
  for (const code of s.codes) metrics.errors.inc({ code });
  const line: RequestLine = {
    reqId: s.id,
    operation: s.operation && OPERATION_NAME.test(s.operation) ? s.operation : operation,
    type: s.type,
    account: s.account,
    status,
    ms: Math.round(seconds * 10_000) / 10,
    ...(s.codes.length ? { errors: s.codes } : {}),
  };
  if (status >= 500) requestLog.warn(line, "graphql request failed");
  else requestLog.info(line, "graphql request");
  return s.id;
}

const requests = new WeakMap<Request, RequestState>();
/** The state of a request yoga handles (for a result it did not execute itself: graphql/direct.ts). */
export const requestState = (request: Request) => requests.get(request);

export function requestObservability(): Plugin<{ viewer?: Context["viewer"] }> {
  return {
    onRequest({ request }) {
      requests.set(request, startRequest(request.headers.get("x-request-id")));
    },
    onParams({ request, params }) {
      const s = requests.get(request);
      if (s && typeof params.operationName === "string") s.operation = params.operationName;
    },
    onExecute({ args }) {
      const ctx = args.contextValue as { request?: Request; viewer?: Context["viewer"] };
      const s = ctx.request && requests.get(ctx.request);
      if (s) noteExecution(s, args.document, args.operationName, ctx.viewer);
    },
    onResultProcess({ request, result }) {
      const s = requests.get(request);
      if (!s) return;
      for (const r of Array.isArray(result) ? result : [result]) s.codes.push(...errorCodes(r));
    },
    onResponse({ request, response }) {
      const s = requests.get(request);
      if (s) response.headers.set("x-request-id", finishRequest(s, response.status));
    },
  };
}
