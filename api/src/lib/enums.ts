// Each enum has one source, Prisma's (api/src/generated/prisma/enums.ts): the GraphQL enums are built from
// its objects (`builder.enumType(E.X, …)`) and zod's lists from its values, so a value added there is
// offered and accepted everywhere, and the web's label tables (typed by codegen) fail until labelled.
export * as E from "../generated/prisma/enums.js";

/** A Prisma enum's values, in its order, as the non-empty tuple `z.enum` and the lists take. */
export const enumValues = <T extends Record<string, string>>(e: T) => Object.values(e) as [T[keyof T], ...T[keyof T][]];
