import { dummyHash, verifyPassword } from "../../auth/passwords.js";
import { issueToken } from "../../auth/tokens.js";
import { loadViewer } from "../../auth/viewer.js";
import { prisma } from "../../db.js";
import { UserFacingError } from "../../graphql/errors.js";

export async function signIn(phone: string, password: string) {
  const account = await prisma.account.findUnique({ where: { phone } });
  // Compare against a dummy hash for unknown phones so both paths take the same time.
  const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash));
  if (!account || !ok || account.disabled) {
    throw new UserFacingError("UNAUTHENTICATED", "Wrong phone or password / 手机号或密码错误", ["input", "password"]);
  }
  const viewer = await loadViewer(account.id);
  if (!viewer) throw new UserFacingError("UNAUTHENTICATED", "This account cannot sign in / 该账号无法登录");
  const { token, expiresAt } = issueToken(account.id, account.tokenVersion);
  return { token, expiresAt, viewer };
}
