// Error messages in the client's language. Messages are written in both languages (i18n.ts msg());
// this turns them into the one the request asked for, for top-level GraphQL errors (userErrors in
// payloads are localized by their own field).
import { GraphQLError, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { localeFrom, localize, msg, MSG_SEPARATOR, type Locale } from "../i18n.js";

/** What graphql-js says of a value, in Chinese (its English kept as the English text). */
const VALUE_PROBLEMS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Int cannot represent non 32-bit signed integer value/, () => "整数超出范围（−2147483648 至 2147483647）"],
  [/^Int cannot represent non-integer value/, () => "须为整数"],
  [/^Float cannot represent/, () => "须为数字"],
  [/^String cannot represent/, () => "须为文字"],
  [/^Boolean cannot represent/, () => "须为 true 或 false"],
  [/^ID cannot represent/, () => "须为 ID（文字）"],
  [/^Field "([^"]+)" of required type "([^"]+)" was not provided/, (m) => `缺少必填字段 ${m[1]}`],
  // A variable's key is the caller's (it may be anything): named only when it could be a field's name.
  [/^Field "([^"]+)" is not defined by type "([^"]+)"/, (m) => (/^[_A-Za-z][_0-9A-Za-z]*$/.test(m[1]!) ? `${m[2]} 没有字段 ${m[1]}` : `${m[2]} 没有该字段`)],
  [/^Value "(?:[^"]+)" does not exist in "([^"]+)" enum/, (m) => `须为 ${m[1]} 的可选值`],
  [/^Expected value of type "([^"]+)", found/, (m) => `须为 ${m[1]} 类型的值`],
  [/^Expected type "([^"]+)" to be an object/, (m) => `须为 ${m[1]} 对象`],
  [/^Expected non-nullable type "([^"]+)" not to be null/, (m) => `${m[1]} 不能为空`],
];
const detail = (en: string) => {
  for (const [re, zh] of VALUE_PROBLEMS) {
    const m = re.exec(en);
    if (m) return zh(m);
  }
  return null;
};

/**
 * graphql-js writes its request errors (variables that do not fit their types, documents that do not
 * fit the schema) in English only and gives a variable's no code: said in Chinese first here, with
 * the code BAD_USER_INPUT, so an API caller gets what every other bad input gets.
 */
export function explainRequestError(e: GraphQLError): GraphQLError {
  if (e.message.includes(MSG_SEPARATOR)) return e;
  const variable = /^Variable "\$([^"]+)" (?:got invalid value .*?(?: at "([^"]+)")?; (.*)|of required type "([^"]+)" was not provided\.|of non-null type "([^"]+)" must not be null\.)$/s.exec(e.message);
  let zh: string | null = null;
  if (variable) {
    const [, name, at, problem, required, nonNull] = variable;
    const where = at ? `（${at}）` : "";
    zh = required || nonNull ? `缺少必填变量 $${name}` : `变量 $${name} 的值无效${where}：${detail(problem ?? "") ?? "不符合其类型"}`;
  } else if (e.extensions?.code === "GRAPHQL_VALIDATION_FAILED") {
    const cannot = /^Cannot query field "([^"]+)" on type "([^"]+)"/.exec(e.message);
    zh = cannot ? `${cannot[2]} 没有字段 ${cannot[1]}` : `请求不符合接口定义${detail(e.message) ? `：${detail(e.message)}` : ""}`;
  }
  // Over the WebSocket, graphql-js's syntax error comes without yoga's code.
  else if (e.extensions?.code === "GRAPHQL_PARSE_FAILED" || (!e.extensions?.code && e.message.startsWith("Syntax Error:"))) {
    const at = e.locations?.[0];
    zh = `请求有语法错误${at ? `（第 ${at.line} 行第 ${at.column} 列）` : ""}`;
  } else if (e.extensions?.code === "OPERATION_RESOLUTION_FAILURE") zh = "无法确定要执行的操作（请检查 operationName）";
  // yoga's own refusals of a request's shape (variables not an object, no query…)
  else if (e.extensions?.code === "BAD_REQUEST") zh = "请求格式有误";
  if (zh === null) return e;
  return new GraphQLError(msg(zh, e.message), {
    nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError,
    extensions: { ...e.extensions, code: e.extensions?.code ?? (e.message.startsWith("Syntax Error:") ? "GRAPHQL_PARSE_FAILED" : "BAD_USER_INPUT") },
  });
}

export function localizeResult<T extends ExecutionResult>(result: T, locale: Locale): T {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((raw) => {
      const e = explainRequestError(raw);
      const message = localize(e.message, locale);
      return e === raw && message === raw.message ? raw : new GraphQLError(message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: e.extensions });
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
