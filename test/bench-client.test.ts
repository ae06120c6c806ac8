// The claim storm's lean client (bench/socket-client.ts) reads answers as a server sends them: split
// anywhere, chunked or sized, several on one kept connection, and resends once a request whose kept
// connection the server closed before answering.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { KeptSockets } from "../bench/socket-client.js";

const END = "\u0000end";
/** A server answering each request with `answer(n)`'s pieces, written one by one (n counts requests per server). */
function serve(answer: (n: number, socket: net.Socket) => (string | Buffer)[] | "close") {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buf = "";
    socket.on("data", async (d) => {
      buf += d.toString("latin1");
      // Each test request has a body of "{}" with content-length: 2.
      while (buf.includes("\r\n\r\n") && buf.length >= buf.indexOf("\r\n\r\n") + 6) {
        buf = buf.slice(buf.indexOf("\r\n\r\n") + 6);
        const pieces = answer(n++, socket);
        if (pieces === "close") return void socket.destroy();
        for (const p of pieces) {
          if (p === END) return void socket.end();
          socket.write(p);
          await new Promise((r) => setTimeout(r, 5)); // separate packets
        }
      }
    });
  });
  return new Promise<{ port: number; close: () => void; connections: () => number }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ port: (server.address() as net.AddressInfo).port, close: () => { sockets.forEach((s) => s.destroy()); server.close(); }, connections: () => sockets.size }),
    ),
  );
}
const request = KeptSockets.build("POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json", "{}");
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

describe("the claim storm's socket client", () => {
  it("reads sized and chunked answers split across packets, on one kept connection", async () => {
    const body = JSON.stringify({ data: { claimShift: { claim: { status: "WAITLISTED" }, message: "候补" } } });
    const bytes = Buffer.from(body);
    // Packets cut inside a header, inside the body and inside one character's UTF-8 bytes.
    const cut = bytes.indexOf(Buffer.from("候")) + 1;
    const s = await serve((n) =>
      n % 2 === 0
        ? ["HTTP/1.1 200 OK\r\ncontent-ty", Buffer.concat([Buffer.from(`pe: application/json\r\ncontent-length: ${bytes.length}\r\n\r\n`), bytes.subarray(0, 7)]), bytes.subarray(7, cut), bytes.subarray(cut)]
        : ["HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n", `a\r\n${body.slice(0, 10)}\r\n`, Buffer.concat([Buffer.from(`${(bytes.length - 10).toString(16)}\r\n`), bytes.subarray(10, cut)]), Buffer.concat([bytes.subarray(cut), Buffer.from("\r")]), "\n0\r\n\r\n"],
    );
    const k = new KeptSockets("127.0.0.1", s.port);
    cleanups.push(s.close, () => k.close());
    for (let i = 0; i < 4; i++) expect(await k.request(request)).toEqual({ status: 200, body });
    expect(s.connections()).toBe(1);
  });

  it("reads a body that ends with the connection", async () => {
    const s = await serve(() => ["HTTP/1.1 500 Internal Server Error\r\nconnection: close\r\n\r\n{\"err", "ors\":[]}", END]);
    const k = new KeptSockets("127.0.0.1", s.port);
    cleanups.push(s.close, () => k.close());
    expect(await k.request(request)).toEqual({ status: 500, body: '{"errors":[]}' });
  });

  it("sends once more a request whose kept connection closed before answering, and only once", async () => {
    const ok = ["HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"];
    const s = await serve((n) => (n === 1 || n >= 3 ? "close" : ok));
    const k = new KeptSockets("127.0.0.1", s.port);
    cleanups.push(s.close, () => k.close());
    expect((await k.request(request)).body).toBe("{}"); // 0, on a new connection, kept
    expect((await k.request(request)).body).toBe("{}"); // 1 on the kept one, closed unanswered; 2 on a new one
    await expect(k.request(request)).rejects.toThrow(); // 3 on the kept one, closed; 4 on a new one, closed: no third try
  });

  it("fails an answer cut short", async () => {
    const s = await serve(() => ["HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n{}", END]);
    const k = new KeptSockets("127.0.0.1", s.port);
    cleanups.push(s.close, () => k.close());
    await expect(k.request(request)).rejects.toThrow();
  });
});
