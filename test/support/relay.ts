// A database connection through a relay the test controls: what a network cut or a stalled answer
// looks like to the API (the server's own timeouts never reach it; only a client-side bound ends the wait).
import net from "node:net";
import pg from "pg";

/**
 * A connected pg client through a relay. `silence()`: nothing passes either way from then on.
 * `hold()`: what the server sends is kept until `pass()`. `held()`: chunks kept so far.
 */
export async function relayedClient() {
  const db = new URL(process.env.DATABASE_URL!);
  let silent = false;
  let holding = false;
  const held: Buffer[] = [];
  const ends: net.Socket[] = [];
  let toClient: net.Socket | undefined;
  const relay = net.createServer((client) => {
    const server = net.connect(Number(db.port || 5432), db.hostname);
    ends.push(client, server);
    toClient = client;
    client.on("data", (d) => void (silent || server.write(d)));
    server.on("data", (d) => void (silent || (holding ? held.push(d) : client.write(d))));
    for (const s of [client, server]) s.on("error", () => {});
  });
  await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
  const via = new URL(db);
  via.hostname = "127.0.0.1";
  via.port = String((relay.address() as net.AddressInfo).port);
  const client = new pg.Client({ connectionString: via.toString() });
  await client.connect();
  client.on("error", () => {});
  return {
    client,
    silence: () => void (silent = true),
    hold: () => void (holding = true),
    held: () => held.length,
    pass: () => {
      holding = false;
      for (const d of held.splice(0)) toClient!.write(d);
    },
    close: async () => {
      await client.end().catch(() => {});
      for (const s of ends) s.destroy();
      relay.close();
    },
  };
}
