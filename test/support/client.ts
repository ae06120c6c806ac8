// Talk to a running app the way clients do: HTTP POST and graphql-ws.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { buildApp, type App } from "../../api/src/app.js";
import { DEMO_PASSWORD } from "../../api/src/seed/demo.js";

export interface GqlResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function startApp(): Promise<App> {
  return (await buildApp()).start(0, "127.0.0.1");
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

export function wsClient(app: App, token?: string | null): Client {
  return createClient({
    url: `${app.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Collects the next `count` results of a subscription (or its error). */
export function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: GqlResponse[] = [];
  let error: unknown = null;
  let waiters: (() => void)[] = [];
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (r) => {
        results.push(r as GqlResponse);
        waiters.forEach((w) => w());
      },
      error: (e) => {
        error = e;
        waiters.forEach((w) => w());
      },
      complete: () => waiters.forEach((w) => w()),
    },
  );
  return {
    results,
    get error() {
      return error;
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
