// Files through the GraphQL multipart request spec (yoga parses it): the `Upload` scalar, the parser's
// limits (at most MAX_PHOTOS files of MAX_PHOTO_BYTES each: a larger one stops the request before it
// is read whole) and clear messages for those limits in the client's language.
import { createFetch } from "@whatwg-node/fetch";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { builder } from "../builder.js";
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
  [/File size limit exceeded/i, msg("照片太大：每张不能超过10MB", "Photo too large: at most 10 MB each")],
  [/Files limit exceeded/i, msg(`最多上传${MAX_PHOTOS}张照片`, `At most ${MAX_PHOTOS} photos`)],
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
