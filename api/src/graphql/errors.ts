// Expected failures are data (UserError in a payload); everything else is thrown and masked.
import { msg } from "../i18n.js";

export type UserErrorCode = "VALIDATION" | "NOT_FOUND" | "FORBIDDEN" | "CONFLICT" | "UNAUTHENTICATED" | "RATE_LIMITED";

export interface UserErrorShape {
  code: UserErrorCode;
  /** Both languages (see i18n.ts) until the payload is sent in the client's language. */
  message: string;
  field: string[] | null;
}

/** Thrown by services for an expected failure; mutation resolvers turn it into userErrors. */
export class UserFacingError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly field: string[] | null = null,
  ) {
    super(message);
    this.name = "UserFacingError";
  }
  toUserError(): UserErrorShape {
    return { code: this.code, message: this.message, field: this.field };
  }
}

/** `what` is a msg() pair, e.g. msg("班次", "Shift"). */
export function notFound(what: string, field?: string[]): UserFacingError {
  const [zh, en] = what.split("\u241F");
  return new UserFacingError("NOT_FOUND", msg(`未找到${zh}`, `${en ?? zh} not found`), field ?? null);
}
export const forbidden = (message = msg("没有权限执行此操作", "You are not allowed to do this")) => new UserFacingError("FORBIDDEN", message);
export const conflict = (message: string, field?: string[]) => new UserFacingError("CONFLICT", message, field ?? null);
export const invalid = (message: string, field: string[]) => new UserFacingError("VALIDATION", message, field);

/** Prisma's unique-constraint violation (P2002), e.g. a team name already used in the station. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}
