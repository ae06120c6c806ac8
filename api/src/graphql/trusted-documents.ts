// 可信文档 (trusted documents): the web app's operations are compiled into a manifest when it is built
// (graphql-codegen's client preset, `persistedDocuments`: web/src/gql/persisted-documents.json, hash →
// document) and the web sends only the hash. In production the server runs nothing else, unless
// ALLOW_ARBITRARY_OPERATIONS=1 for API integrators; in development any document runs as well.
// HTTP goes through @graphql-yoga/plugin-persisted-operations; the WebSocket uses `socketDocument`.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { config } from "../config.js";
import { repoRoot } from "../infra/migrations.js";

export const MANIFEST = path.join(repoRoot, "web/src/gql/persisted-documents.json");

function load(): Map<string, string> {
  if (!existsSync(MANIFEST)) {
    if (config.production && !config.allowArbitraryOperations) {
      throw new Error(`The web app's trusted documents are missing (${MANIFEST}): run \`pnpm --filter @linshe/web codegen\` (pnpm install and the web build do it)`);
    }
    return new Map();
  }
  return new Map(Object.entries(JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>));
}

export const trustedDocuments = load();

// The messages are the ones urql's persisted exchange knows (it resends the full document after a
// miss, which only development accepts).
const NOT_FOUND = { message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 400 } } };
const ONLY_TRUSTED = { message: "PersistedQueryOnly", extensions: { code: "PERSISTED_QUERY_ONLY", http: { status: 400 } } };
const NO_KEY = { message: "PersistedQueryKeyNotFound", extensions: { code: "PERSISTED_QUERY_ID_REQUIRED", http: { status: 400 } } };

export function trustedDocumentsPlugin(): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (hash) => trustedDocuments.get(hash) ?? null,
    allowArbitraryOperations: config.allowArbitraryOperations,
    customErrors: { notFound: NOT_FOUND, persistedQueryOnly: ONLY_TRUSTED, keyNotFound: NO_KEY },
  }) as Plugin;
}

/** The document a WebSocket subscribe message asks for: as text where allowed, else by hash (as over HTTP). */
export function socketDocument(params: { query?: unknown; extensions?: unknown }): { query: string } | { error: GraphQLError } {
  const refuse = (e: { message: string; extensions: { code: string } }) => ({ error: new GraphQLError(e.message, { extensions: { code: e.extensions.code } }) });
  if (typeof params.query === "string" && params.query !== "") return config.allowArbitraryOperations ? { query: params.query } : refuse(ONLY_TRUSTED);
  const hash = (params.extensions as { persistedQuery?: { version?: number; sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  if (typeof hash !== "string") return refuse(NO_KEY);
  const query = trustedDocuments.get(hash);
  return query ? { query } : refuse(NOT_FOUND);
}
