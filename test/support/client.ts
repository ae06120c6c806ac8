// Talk to a running app the way clients do: HTTP POST and graphql-ws.
import { randomUUID } from "node:crypto";
import { createClient, type Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll } from "vitest";
import WebSocket from "ws";
import { buildApp, type App } from "../../api/src/app.js";
import { clock } from "../../api/src/clock.js";
import { DEMO_PASSWORD } from "../../api/src/seed/demo.js";

export interface GqlResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function startApp(): Promise<App> {
  return (await buildApp()).start(0, "127.0.0.1");
}

/** A test file's app: started before its tests (handed to `started`), stopped after them; the clock is reset after each test. */
export function useApp(started: (app: App) => void): void {
  let app: App | undefined;
  beforeAll(async () => {
    app = await startApp();
    started(app);
  });
  afterAll(() => app?.stop());
  afterEach(() => clock.reset());
}

export async function gql<T = Record<string, any>>(
  app: App,
  query: string,
  variables?: Record<string, unknown>,
  token?: string | null,
): Promise<GqlResponse<T>> {
  const res = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResponse<T>;
}

/**
 * A GraphQL multipart request (file uploads): `files` maps a variable holding an input object to the
 * file for its `file` field, e.g. { importVolunteers: { name: "a.csv", content } } → variables.importVolunteers.file.
 */
export async function gqlWithFiles<T = Record<string, any>>(
  app: App,
  query: string,
  variables: Record<string, unknown>,
  files: Record<string, { name: string; content: string | Uint8Array<ArrayBuffer>; type?: string }>,
  token?: string | null,
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const form = new FormData();
  const used = Object.keys(files).filter((k) => k in variables);
  const vars = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, used.includes(k) ? { ...(v as object), file: null } : v]));
  form.append("operations", JSON.stringify({ query, variables: vars }));
  form.append("map", JSON.stringify(Object.fromEntries(used.map((k, i) => [String(i), [`variables.${k}.file`]]))));
  used.forEach((k, i) => form.append(String(i), new Blob([files[k]!.content], { type: files[k]!.type ?? "application/octet-stream" }), files[k]!.name));
  // A multipart form is a request a browser may send across origins: the API wants the CSRF header.
  const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "x-graphql-yoga-csrf": "1", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body: form });
  return (await res.json()) as GqlResponse<T>;
}

export async function signIn(app: App, phone: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await gql(
    app,
    `mutation ($input: SignInInput!) { signIn(input: $input) { token userErrors { code message } } }`,
    { input: { phone, password } },
  );
  const token = res.data?.signIn?.token;
  if (!token) throw new Error(`sign-in failed for ${phone}: ${JSON.stringify(res)}`);
  return token;
}

/** Per client: the id of the operation it started last, and who waits for which readiness ack. */
const acks = new WeakMap<Client, { lastId: string; waiting: Map<string, () => void> }>();

export function wsClient(app: App, token?: string | null, params: Record<string, unknown> = {}): Client {
  const state = { lastId: "", waiting: new Map<string, () => void>() };
  const client = createClient({
    url: `${app.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { ...params, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    retryAttempts: 0,
    lazy: true,
    generateID: () => (state.lastId = randomUUID()),
    on: {
      // The server's readiness ack (api/src/app.ts, onOperation): a pong naming the operation.
      pong: (_received, payload) => {
        const id = (payload as { subscribed?: string } | undefined)?.subscribed;
        if (id) state.waiting.get(id)?.();
      },
    },
  });
  acks.set(client, state);
  return client;
}

/**
 * Collects the results of a subscription (or its error). `ready` resolves when the server
 * acknowledges that the subscription listens, so events published after it reach it.
 */
export function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: GqlResponse[] = [];
  let error: unknown = null;
  let waiters: (() => void)[] = [];
  let settle: { resolve: () => void; reject: (e: unknown) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => {}); // a subscription refused at once is asserted through waitFor
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (r) => {
        results.push(r as GqlResponse);
        waiters.forEach((w) => w());
      },
      error: (e) => {
        error = e;
        settle.reject(e);
        waiters.forEach((w) => w());
      },
      complete: () => {
        settle.reject(new Error("the subscription completed before it was acknowledged"));
        waiters.forEach((w) => w());
      },
    },
  );
  const state = acks.get(client);
  if (!state) throw new Error("subscribe() needs a client from wsClient()");
  const id = state.lastId;
  state.waiting.set(id, () => {
    state.waiting.delete(id);
    settle.resolve();
  });
  return {
    results,
    get error() {
      return error;
    },
    /** Resolves once the server has acknowledged the subscription (rejects if it failed first). */
    get ready(): Promise<void> {
      return withTimeout(ready, 10_000, "the subscription was not acknowledged");
    },
    dispose,
    async waitFor(count: number, timeoutMs = 5000): Promise<GqlResponse[]> {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count && !error) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} results, got ${results.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
        waiters = [];
      }
      // Rethrown as is: a CloseEvent keeps its close code.
      if (error) throw error;
      return results;
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
