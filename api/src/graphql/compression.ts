// /graphql answers compressed (brotli, else gzip) for a client that accepts it, as the web app's files
// are (server/static-files.ts): a phone on a slow network waits for the shift board's ~14 KB of JSON.
// Small answers (a seat count, a payload) go as they are: compressing them saves nothing.
import type { Plugin } from "graphql-yoga";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const MIN_BYTES = 1024;
const JSON_TYPE = /^application\/(graphql-response\+)?json\b/;

/** The encoding to use for an Accept-Encoding header (br before gzip; `q=0` refuses), or null. */
export function chooseEncoding(acceptEncoding: string | null): "br" | "gzip" | null {
  if (!acceptEncoding) return null;
  const accepted = new Set<string>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name);
  }
  return accepted.has("br") ? "br" : accepted.has("gzip") ? "gzip" : null;
}

export function compressResponses(): Plugin {
  return {
    // Not async: a promise from every request's hook would make whatwg-node wait a turn for nothing.
    onResponse({ request, response, setResponse, fetchAPI }) {
      // The encoding first: reading `response.body` makes whatwg-node turn the answer into a stream,
      // which a client that takes it uncompressed would then pay for in sending it.
      const encoding = chooseEncoding(request.headers.get("accept-encoding"));
      if (!encoding) return;
      if (response.headers.has("content-encoding") || !JSON_TYPE.test(response.headers.get("content-type") ?? "")) return;
      const length = response.headers.get("content-length");
      if (length !== null && Number(length) < MIN_BYTES) return;
      if (!response.body) return;
      return compress(response, encoding, setResponse, fetchAPI);
    },
  };
}

/** The answer's bytes as sent for `encoding`: compressed when large enough (`encoded` null otherwise). */
export function compressBody(raw: Buffer, encoding: "br" | "gzip"): { body: Buffer; encoded: "br" | "gzip" | null } {
  if (raw.length < MIN_BYTES) return { body: raw, encoded: null };
  // Quality 5: most of brotli's gain at a fraction of its CPU (the answer is made per request).
  const body = encoding === "br" ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }) : gzipSync(raw, { level: 6 });
  return { body, encoded: encoding };
}

async function compress(response: Response, encoding: "br" | "gzip", setResponse: (r: Response) => void, fetchAPI: { Headers: typeof Headers; Response: typeof Response }) {
  const { body, encoded } = compressBody(Buffer.from(await response.arrayBuffer()), encoding);
  const headers = new fetchAPI.Headers(response.headers);
  headers.append("vary", "accept-encoding");
  if (encoded) headers.set("content-encoding", encoded);
  headers.set("content-length", String(body.length));
  setResponse(new fetchAPI.Response(new Uint8Array(body.buffer, body.byteOffset, body.length) as Uint8Array<ArrayBuffer>, { status: response.status, statusText: response.statusText, headers }));
}
