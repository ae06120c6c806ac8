// Error messages in the client's language. Messages are written in both languages (i18n.ts msg());
// this turns them into the one the request asked for, for top-level GraphQL errors (userErrors in
// payloads are localized by their own field).
import { GraphQLError, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { localeFrom, localize, type Locale } from "../i18n.js";

export function localizeResult<T extends ExecutionResult>(result: T, locale: Locale): T {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((e) => {
      const message = localize(e.message, locale);
      return message === e.message ? e : new GraphQLError(message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: e.extensions });
    }),
  };
}

/**
 * Every answer over HTTP in the client's language, errors raised before execution (operation limits,
 * rate limits) and masked ones too. Over the WebSocket: app.ts, after each execution.
 */
export function localizeResponses(): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !("errors" in result) || !result.errors?.length) return;
      setResult(localizeResult(result, localeFrom(request.headers.get("accept-language"))));
    },
  };
}

/** yoga's HTTP handler puts the Fetch request into the context; the WebSocket's executions have none. */
export const overHttp = (context: unknown) => (context as { request?: unknown } | undefined)?.request !== undefined;
