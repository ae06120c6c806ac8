// Files through the GraphQL multipart request spec (yoga parses it): the `Upload` scalar, the parser's
// limits (at most MAX_PHOTOS files of MAX_PHOTO_BYTES each: a larger one stops the request before it
// is read whole) and clear messages for those limits in the client's language.
import { createFetch } from "@whatwg-node/fetch";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { bearer, verifyToken } from "../auth/tokens.js";
import { builder } from "../builder.js";
import { config } from "../config.js";
import { localeFrom, localize, msg } from "../i18n.js";
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from "./images.js";

/** What a resolver receives for an `Upload` (a File of the fetch API). */
export interface UploadFile {
  name: string;
  size: number;
  type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export const isUpload = (v: unknown): v is UploadFile =>
  !!v && typeof v === "object" && typeof (v as UploadFile).arrayBuffer === "function" && typeof (v as UploadFile).size === "number";

builder.scalarType("Upload", {
  description: "A file sent as a part of a multipart request (GraphQL multipart request spec)",
  serialize: () => {
    throw new GraphQLError("Upload is an input-only type");
  },
  parseValue: (v) => {
    if (!isUpload(v)) throw new GraphQLError(msg("需要以文件上传（multipart）", "Expected a file sent as a multipart upload"), { extensions: { code: "BAD_USER_INPUT" } });
    return v as never;
  },
  parseLiteral: () => {
    throw new GraphQLError(msg("文件只能通过变量上传", "Files can only be sent as variables"), { extensions: { code: "BAD_USER_INPUT" } });
  },
});

/** The fetch API yoga parses requests with: multipart bodies within the photo limits. */
export const uploadFetchAPI = createFetch({
  formDataLimits: {
    fileSize: MAX_PHOTO_BYTES,
    files: MAX_PHOTOS,
    // The `operations` and `map` fields; a document is far smaller.
    fieldSize: 1024 * 1024,
    fields: 16,
  },
});

const LIMIT_MESSAGES: [RegExp, string][] = [
  [/File size limit exceeded/i, msg("文件太大：每个文件（照片、表格）不能超过10MB", "File too large: at most 10 MB each (photos, sheets)")],
  [/Files limit exceeded/i, msg(`最多上传${MAX_PHOTOS}张照片`, `At most ${MAX_PHOTOS} photos`)],
  [/Request body too large/i, msg("提交的内容太大", "Request too large")],
];

/** Rewrites the parser's limit errors (413 / 400) into messages a person understands. */
export function uploadErrors(): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !("errors" in result) || !result.errors?.length) return;
      let changed = false;
      const errors = result.errors.map((e) => {
        const hit = LIMIT_MESSAGES.find(([re]) => re.test(e.message));
        if (!hit) return e;
        changed = true;
        return new GraphQLError(localize(hit[1], localeFrom(request.headers.get("accept-language"))), {
          extensions: { ...e.extensions, code: e.extensions?.code === "REQUEST_ENTITY_TOO_LARGE" ? "REQUEST_ENTITY_TOO_LARGE" : "BAD_USER_INPUT" },
        });
      });
      if (changed) setResult({ ...result, errors });
    },
  };
}

function tooLargeBody() {
  return new GraphQLError("Request body too large", { extensions: { code: "REQUEST_ENTITY_TOO_LARGE", http: { status: 413 } } });
}

const isMultipart = (request: Request) => request.method === "POST" && !!request.headers.get("content-type")?.startsWith("multipart/form-data");

/**
 * Only signed-in people send photos: a multipart body without a valid token (signature and expiry,
 * checked without the database) gets the ordinary limit, so an anonymous caller cannot make the
 * server read and hold 60 MB per request. The session itself is checked later, as for any request.
 */
const mayUpload = (request: Request) => isMultipart(request) && !!verifyToken(bearer(request.headers.get("authorization")) ?? "");

/**
 * yoga's own request body limit (maxRequestBodySize), which has one limit for every request: photos
 * (multipart, signed in) get MAX_UPLOAD_BODY_BYTES, everything else MAX_BODY_BYTES. A Content-Length over it is
 * refused before reading; a body without one (chunked) is counted while it is read.
 */
export function bodyLimit(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const limit = mayUpload(request) ? config.maxUploadBodyBytes : config.maxBodyBytes;
      const length = request.headers.get("content-length");
      if (length != null) {
        if (!/^\d+$/.test(length)) throw new GraphQLError("Content-Length header is invalid.", { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
        if (Number(length) > limit) throw tooLargeBody();
        // Node's HTTP parser delivers no more than Content-Length bytes (and refuses a request with
        // both it and Transfer-Encoding): nothing left to count.
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => {
        let read = 0;
        // A native body needs the native TransformStream (as in yoga's own limit, graphql-yoga#4583).
        const Transform = req.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = req.body!.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > limit) controller.error(tooLargeBody());
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body: counted, duplex: "half" } as RequestInit));
      });
    },
    // The refused body may still be arriving: the client must not send its next request on this connection.
    onResponse({ response }) {
      if (response.status === 413) response.headers.set("connection", "close");
    },
  };
}
