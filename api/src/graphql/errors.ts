// Expected failures are data (UserError in a payload); everything else is thrown and masked.
export type UserErrorCode = "VALIDATION" | "NOT_FOUND" | "FORBIDDEN" | "CONFLICT" | "UNAUTHENTICATED";

export interface UserErrorShape {
  code: UserErrorCode;
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

export const notFound = (what: string, field?: string[]) => new UserFacingError("NOT_FOUND", `${what} not found`, field ?? null);
export const forbidden = (message = "You are not allowed to do this") => new UserFacingError("FORBIDDEN", message);
export const conflict = (message: string, field?: string[]) => new UserFacingError("CONFLICT", message, field ?? null);

/** Prisma's unique-constraint violation (P2002), e.g. a team name already used in the station. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}
