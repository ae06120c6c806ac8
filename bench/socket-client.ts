// The claim storm's lean HTTP/1.1 client, as autocannon's: kept raw `net` sockets, each request one
// pre-built Buffer, the answer read by http-parser-js (autocannon's parser: status line, headers,
// content-length, chunked and read-to-close bodies, keep-alive). node:http cost the bench process
// ~0.45 ms of CPU per claim on the same 2 cores as the API and PostgreSQL; 1,000 phones would not.
import net from "node:net";
import { HTTPParser } from "http-parser-js";

export interface Answer { status: number; body: string }
interface Pending { request: Buffer; retry: boolean; resolve: (a: Answer) => void; reject: (e: Error) => void }
interface Conn { socket: net.Socket; parser: InstanceType<typeof HTTPParser>; pending: Pending | null; reused: boolean; answered: boolean; lastUsed: number }

/**
 * Kept connections to one server. A connection goes back to the idle list when its answer is whole and
 * the server keeps it open, so the next storm (as phones and a load balancer keep theirs) reuses it. The
 * server closes idle connections after HTTP_KEEP_ALIVE_SECONDS (65 s); connections idle for `idleMs`
 * (60 s) are not reused, and a request sent on a kept connection that closes before any byte of its answer
 * never reached the API (the server was closing it) and is sent once more on a new one, as before.
 */
export class KeptSockets {
  private idle: Conn[] = [];
  constructor(readonly host: string, readonly port: number, private idleMs = 60_000) {}

  /** `head` is the request's line and headers without content-length; one Buffer per request. */
  static build(head: string, body: string): Buffer {
    const b = Buffer.from(body);
    return Buffer.concat([Buffer.from(`${head}\r\ncontent-length: ${b.length}\r\n\r\n`, "latin1"), b]);
  }

  request(request: Buffer, retry = true): Promise<Answer> {
    return new Promise((resolve, reject) => {
      let c = this.idle.pop();
      while (c && (c.socket.destroyed || performance.now() - c.lastUsed > this.idleMs)) {
        c.socket.destroy();
        c = this.idle.pop();
      }
      const conn = c ?? this.connect();
      conn.reused = c !== undefined;
      conn.answered = false;
      conn.pending = { request, retry, resolve, reject };
      conn.socket.ref();
      conn.socket.write(request);
    });
  }

  /** Closes the idle connections (the next request opens new ones). */
  close() {
    for (const c of this.idle.splice(0)) c.socket.destroy();
  }

  private connect(): Conn {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    const conn: Conn = { socket, parser, pending: null, reused: false, answered: false, lastUsed: 0 };
    let status = 0;
    let keepAlive = true;
    let chunks: Buffer[] = [];
    parser[HTTPParser.kOnHeadersComplete] = (info) => {
      status = info.statusCode;
      keepAlive = info.shouldKeepAlive;
    };
    // The socket's read buffers are not reused, so keeping a view of one is safe.
    parser[HTTPParser.kOnBody] = (b, start, len) => void chunks.push(b.subarray(start, start + len));
    parser[HTTPParser.kOnMessageComplete] = () => {
      const p = conn.pending;
      const body = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8");
      chunks = [];
      conn.pending = null;
      if (keepAlive) {
        conn.lastUsed = performance.now();
        socket.unref();
        this.idle.push(conn);
      } else socket.destroy();
      p?.resolve({ status, body });
    };
    socket.on("data", (d: Buffer) => {
      conn.answered = true;
      const r = parser.execute(d);
      if (r instanceof Error) fail(r);
    });
    const fail = (e: Error) => {
      socket.destroy();
      const p = conn.pending;
      conn.pending = null;
      if (!p) return;
      if (p.retry && conn.reused && !conn.answered) this.request(p.request, false).then(p.resolve, p.reject);
      else p.reject(e);
    };
    socket.on("end", () => {
      // A body read to the connection's end is whole now; anything else ends too early.
      const r = conn.pending && conn.answered ? parser.finish() : undefined;
      if (conn.pending) fail(r instanceof Error ? r : new Error("connection closed before the answer was whole"));
    });
    socket.on("error", fail);
    socket.on("close", () => {
      const i = this.idle.indexOf(conn);
      if (i >= 0) this.idle.splice(i, 1);
      if (conn.pending) fail(new Error("connection closed"));
    });
    return conn;
  }
}
