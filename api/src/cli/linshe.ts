// `pnpm linshe admin create --phone 13900000000 --name 张三 [--password-file path]`
// Creates the first platform admin of an empty installation (or makes an existing account one).
// The password is asked on the terminal (twice, not echoed), or read from the first line of a file
// or of stdin when it is not a terminal; it is never an argument, so it stays out of shell history.
//
// The database is DATABASE_URL, else the embedded PostgreSQL under .data/pg (the one `pnpm start`
// uses): a running one is reached on its port, a stopped one is started for the command.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { read } from "read";
import { applyMigrations, repoRoot } from "../infra/migrations.js";
import type { RunningPostgres } from "../infra/postgres.js";

const USAGE = `用法 Usage:
  pnpm linshe admin create --phone <手机号> --name <姓名> [--password-file <文件>]
    创建平台管理员（密码在终端输入两次，或从文件第一行读取）
    Creates a platform admin (password typed twice on the terminal, or the first line of a file)`;

class CliError extends Error {}

function option(args: string[], name: string): string | null {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return null;
  const v = args[i + 1];
  if (!v || v.startsWith("--")) throw new CliError(`--${name} 需要一个值 (needs a value)`);
  return v;
}

async function readPassword(args: string[]): Promise<string> {
  const file = option(args, "password-file");
  if (file) return (readFileSync(file, "utf8").split(/\r?\n/)[0] ?? "").trim();
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return (Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "").trim();
  }
  const first = await read({ prompt: "密码 Password (至少8位 at least 8): ", silent: true, replace: "*" });
  const again = await read({ prompt: "再输一次 Again: ", silent: true, replace: "*" });
  if (first !== again) throw new CliError("两次输入的密码不一致 (the passwords differ)");
  return String(first);
}

/** The running embedded server's port, from its postmaster.pid (line 4), when its process is alive. */
function runningEmbeddedPort(dir: string): number | null {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  const port = Number(lines[3]);
  return Number.isInteger(port) && port > 0 ? port : null;
}

async function database(): Promise<{ url: string; embedded?: RunningPostgres }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  const dir = path.join(repoRoot, ".data/pg");
  const port = runningEmbeddedPort(dir);
  if (port) return { url: `postgresql://linshe:linshe@127.0.0.1:${port}/linshe` };
  const { ensureDatabase, startEmbeddedPostgres } = await import("../infra/postgres.js");
  const embedded = await startEmbeddedPostgres({ dir, persistent: true, quiet: true });
  await ensureDatabase(embedded.url, "linshe");
  return { url: embedded.databaseUrl("linshe"), embedded };
}

async function createAdmin(args: string[]) {
  const phone = option(args, "phone");
  const name = option(args, "name");
  if (!phone || !name) throw new CliError(USAGE);
  if (!/^1[3-9]\d{9}$/.test(phone)) throw new CliError("手机号格式不正确，应为11位手机号 (phone must be an 11-digit mainland mobile number)");
  if ([...name.trim()].length < 1 || [...name.trim()].length > 40) throw new CliError("姓名应为1至40个字 (name: 1–40 characters)");
  const password = await readPassword(args);
  if (password.length < 8 || password.length > 128) throw new CliError("密码至少8位、最多128位 (password: 8–128 characters)");

  const { url, embedded } = await database();
  try {
    process.env.DATABASE_URL = url;
    await applyMigrations(url);
    const { prisma, disconnect } = await import("../db.js");
    const { hashPassword } = await import("../auth/passwords.js");
    const { recordAudit } = await import("../modules/audit/audit.service.js");
    try {
      const passwordHash = await hashPassword(password);
      const outcome = await prisma.$transaction(async (tx) => {
        let account = await tx.account.findUnique({ where: { phone } });
        let made = "";
        const hadPassword = !!account?.passwordSet;
        if (!account) {
          account = await tx.account.create({ data: { phone, passwordHash, displayName: name.trim() } });
          made = "created";
        } else if (!account.passwordSet) {
          account = await tx.account.update({ where: { id: account.id }, data: { passwordHash, passwordSet: true, codeHash: null, codeExpiresAt: null, displayName: account.displayName || name.trim() } });
        }
        const admin = await tx.accountRole.findFirst({ where: { accountId: account.id, role: "ADMIN" } });
        if (!admin) await tx.accountRole.create({ data: { accountId: account.id, role: "ADMIN" } });
        await recordAudit(tx, { actor: null, action: "role.grant", targetType: "Account", targetId: account.id, summary: admin ? "命令行：已是平台管理员" : "命令行：授予平台管理员" });
        return { made, already: !!admin, passwordKept: hadPassword };
      });
      if (outcome.made) console.log(`已创建平台管理员 ${phone}（${name.trim()}）。Platform admin created: sign in at /login.`);
      else if (outcome.already) console.log(`${phone} 已是平台管理员。Already a platform admin.`);
      else console.log(`已把现有账号 ${phone} 设为平台管理员${outcome.passwordKept ? "（保留原密码）" : ""}。The existing account is now a platform admin${outcome.passwordKept ? " (its password is unchanged)" : ""}.`);
    } finally {
      await disconnect();
    }
  } finally {
    await embedded?.stop();
  }
}

async function main(args: string[]) {
  if (args[0] === "admin" && args[1] === "create") return createAdmin(args.slice(2));
  throw new CliError(USAGE);
}

let code = 0;
try {
  await main(process.argv.slice(2).filter((a) => a !== "--"));
} catch (e) {
  console.error(e instanceof CliError ? e.message : e);
  code = e instanceof CliError ? 2 : 1;
}
// The Wasm schema engine leaves a timer armed: exit explicitly.
process.exit(code);
