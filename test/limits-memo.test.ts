// The pre-execution checks (cursor, effective cost) and their memo, attacked as an outsider would:
// variable values the checks read differently from graphql's coercion, and a memo that grows.
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { config, MAX_PAGE_SIZE } from "../api/src/config.js";
import { badCursor, effectiveCost, MEMO_BOUNDS, remembered } from "../api/src/graphql/limits.js";
import { schema } from "../api/src/schema/index.js";

const members = (inner: string, n: string) => `members(first: ${n}) { edges { node { volunteer { ${inner} } } } }`;
const teams = (inner: string, n: string) => `teams(first: ${n}) { edges { node { team { ${inner} } } } }`;
const bomb = (n: string) => `node(id: $id) { ... on Team { ${members(teams(members("id", n), n), n)} } }`;

describe("effective cost and cursors read variables as graphql does", () => {
  it("the bomb is over the limit at 100 and under it at the default page size", () => {
    expect(effectiveCost(schema, parse(`query ($id: ID!, $n: Int) { ${bomb("$n")} }`), { id: "x", n: MAX_PAGE_SIZE })).toBeGreaterThan(config.limits.maxCost);
    expect(effectiveCost(schema, parse(`query ($id: ID!, $n: Int) { ${bomb("$n")} }`), { id: "x" })).toBeLessThan(config.limits.maxCost);
  });

  it("a variable named after an Object.prototype property takes its default, not the prototype's function", () => {
    for (const name of ["toString", "constructor", "valueOf", "hasOwnProperty"]) {
      const doc = parse(`query ($id: ID!, $${name}: Int = ${MAX_PAGE_SIZE}) { ${bomb(`$${name}`)} }`);
      expect(effectiveCost(schema, doc, { id: "x" }), name).toBeGreaterThan(config.limits.maxCost);
    }
    const cursor = parse(`query ($id: ID!, $constructor: String = "not a cursor") { node(id: $id) { ... on Team { members(after: $constructor) { totalCount } } } }`);
    expect(badCursor(schema, cursor, { id: "x" })?.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("each operation's variables take that operation's defaults", () => {
    // Operation B's default for $n (1) hid A's (100): A, chosen by operationName, ran the bomb.
    const doc = parse(`query A($id: ID!, $n: Int = ${MAX_PAGE_SIZE}) { ${bomb("$n")} } query B($n: Int = 1) { viewer { __typename } }`);
    expect(effectiveCost(schema, doc, { id: "x" })).toBeGreaterThan(config.limits.maxCost);
    const cursors = parse(`query A($id: ID!, $c: String = "not a cursor") { node(id: $id) { ... on Team { members(after: $c) { totalCount } } } } query B($c: String = null) { viewer { __typename } }`);
    expect(badCursor(schema, cursors, { id: "x" })?.extensions.code).toBe("BAD_USER_INPUT");
    // A variable the request gives still counts, whichever operation runs.
    const given = parse(`query A($id: ID!, $n: Int = 1) { ${bomb("$n")} } query B($n: Int = 1) { viewer { __typename } }`);
    expect(effectiveCost(schema, given, { id: "x", n: MAX_PAGE_SIZE })).toBeGreaterThan(config.limits.maxCost);
  });
});

describe("the memo", () => {
  it("stays within its bounds however many documents and values it is asked to remember", () => {
    const memo = remembered<number>();
    const docs = Array.from({ length: 50 }, (_, i) => parse(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } n${i}: __typename }`));
    const big = "x".repeat(MEMO_BOUNDS.keyChars - 64);
    let held = 0;
    for (let i = 0; i < 4000; i++) {
      const doc = docs[i % docs.length]!;
      memo.set(schema, doc, { ids: [`${i}${big}`] }, 1);
      held = Math.max(held, memo.size().chars);
    }
    expect(held).toBeLessThanOrEqual(MEMO_BOUNDS.chars);
    // A key longer than the bound is not remembered; a short one is.
    const doc = docs[0]!;
    memo.set(schema, doc, { ids: ["y".repeat(MEMO_BOUNDS.keyChars)] }, 2);
    expect(memo.get(schema, doc, { ids: ["y".repeat(MEMO_BOUNDS.keyChars)] })).toBeUndefined();
    memo.set(schema, doc, { ids: ["y"] }, 3);
    expect(memo.get(schema, doc, { ids: ["y"] })).toBe(3);
    // Absent, null and an inherited name are three different keys.
    const withDefault = parse(`query ($toString: Int = 100) { shifts(first: $toString) { totalCount } }`);
    memo.set(schema, withDefault, { toString: null }, 20);
    expect(memo.get(schema, withDefault, {})).toBeUndefined();
  });
});
