// The call-up benchmarks' phones: one graphql-ws socket and one `notificationReceived` subscription per
// volunteer token, spread round-robin over the API processes, connected in batches (bench/run.ts callup,
// bench/callup-floor.ts).
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface Notice {
  id: string;
  kind: string;
}

export async function openSubscribers(
  appUrls: string[],
  tokens: string[],
  batch: number,
  onNotice: (i: number, n: Notice) => void,
): Promise<{ sockets: Client[]; online: Set<number>; stats: { errors: number; completes: number; reconnects: number } }> {
  const stats = { errors: 0, completes: 0, reconnects: 0 };
  const connectedOnce = new Set<number>();
  const sockets: Client[] = [];
  const connected: Promise<void>[] = [];
  // On a busy machine a socket may miss the server's init wait (4408): it retries, like the app does.
  const online = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const url = appUrls[i % appUrls.length]!;
    const c = createClient({ url: `${url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${tokens[i]}` }, retryAttempts: 20, shouldRetry: () => true, lazy: false });
    sockets.push(c);
    c.on("closed", () => online.delete(i));
    c.on("connected", () => {
      if (online.has(i)) return;
      if (connectedOnce.has(i)) stats.reconnects++;
      connectedOnce.add(i);
      online.add(i);
    });
    connected.push(new Promise<void>((resolve) => c.on("connected", () => resolve())));
    c.subscribe(
      { query: `subscription { notificationReceived { id kind title body subjectId } }` },
      {
        next: (r) => {
          if (r.errors) stats.errors++;
          else onNotice(i, (r.data as { notificationReceived: Notice }).notificationReceived);
        },
        error: () => stats.errors++,
        complete: () => stats.completes++,
      },
    );
    if (i % batch === batch - 1) {
      await Promise.race([Promise.all(connected.slice(-batch)), new Promise((r) => setTimeout(r, 60_000))]);
      if (i % 2500 === 2499) console.log(`${online.size} sockets online`);
    }
  }
  await Promise.race([Promise.all(connected), new Promise((r) => setTimeout(r, 60_000))]);
  return { sockets, online, stats };
}
