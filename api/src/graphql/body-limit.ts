// Request bodies: JSON up to MAX_BODY_BYTES (1 MB); a GraphQL multipart request (the sheet import) up
// to MAX_UPLOAD_BYTES plus its form overhead. yoga's own `maxRequestBodySize` holds the larger bound;
// this plugin holds every other request to the smaller one, by Content-Length or counted while read
// (a chunked body has no length). app.ts refuses a multipart request without a length before yoga.
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/** What a multipart request may carry beyond the file: the operations and map fields, boundaries. */
export const MULTIPART_OVERHEAD = 256 * 1024;

export const isMultipart = (contentType: string | null | undefined) => /^multipart\/form-data/i.test(contentType ?? "");

const tooLarge = () => new GraphQLError("Request body too large", { extensions: { code: "REQUEST_ENTITY_TOO_LARGE", http: { status: 413 } } });

export function bodyLimitExceptUploads(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (isMultipart(request.headers.get("content-type"))) return;
      const length = request.headers.get("content-length");
      if (length != null && /^\d+$/.test(length) && Number(length) > limit) throw tooLarge();
      if (!requestParser || !request.body) return;
      setRequestParser((req) => {
        let read = 0;
        // As yoga's own limit does: the stream class must match the body's (native or whatwg-node's).
        const Transform = req.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const body = req.body!.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body, duplex: "half" } as RequestInit & { duplex: "half" }));
      });
    },
  };
}
