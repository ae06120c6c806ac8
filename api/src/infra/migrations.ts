// Prisma migrations without the native schema engine: Prisma's own engine compiled to Wasm,
// driven through the pg driver adapter. Keeps the standard prisma/migrations/<ts>_<name> layout.
import { readFile, readdir, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine as SchemaEngineType, MigrationList } from "@prisma/schema-engine-wasm";

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const schemaPath = path.join(repoRoot, "prisma/schema.prisma");
export const migrationsDir = path.join(repoRoot, "prisma/migrations");

const filters = { externalTables: [], externalEnums: [] };

const CHAR_MARK = "\u0000char";

/**
 * Introspection reads pg_catalog columns of type `name` (oid 19) and `"char"` (oid 18) that
 * adapter-pg cannot describe (prisma/orm#27403). `name` is relabelled text; `"char"` columns are
 * marked here and reported to the engine as Character by patchQueryable().
 */
class CatalogSafeClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const cb = args[last];
      args[last] = (err: unknown, res: pg.QueryResult) => cb(err, err ? res : relabel(res));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as any)(...args);
    return result && typeof result.then === "function" ? result.then(relabel) : result;
  }
}

function relabel(res: pg.QueryResult): pg.QueryResult {
  for (const f of res?.fields ?? []) {
    if (f.dataTypeID === 19) f.dataTypeID = 25;
    else if (f.dataTypeID === 18) {
      f.dataTypeID = 25;
      f.name += CHAR_MARK;
    }
  }
  return res;
}

function poolFor(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2, Client: CatalogSafeClient as unknown as typeof pg.Client });
  // Dropping the shadow database terminates its idle connections; that is expected.
  pool.on("error", () => {});
  return pool;
}

const CHARACTER_COLUMN = 6; // ColumnTypeEnum.Character in @prisma/driver-adapter-utils

interface RawResult {
  columnNames: string[];
  columnTypes: number[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function patchQueryable<T extends { queryRaw: (q: any) => Promise<RawResult> }>(q: T): T {
  const queryRaw = q.queryRaw.bind(q);
  q.queryRaw = async (query) => {
    const res = await queryRaw(query);
    res.columnNames.forEach((n, i) => {
      if (n.endsWith(CHAR_MARK)) {
        res.columnNames[i] = n.slice(0, -CHAR_MARK.length);
        res.columnTypes[i] = CHARACTER_COLUMN;
      }
    });
    return res;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withTx = q as any;
  if (typeof withTx.startTransaction === "function") {
    const start = withTx.startTransaction.bind(q);
    withTx.startTransaction = async (...a: unknown[]) => patchQueryable(await start(...a));
  }
  return q;
}

async function connectPatched(factory: PrismaPg) {
  return patchQueryable(await factory.connect());
}

/** Adapter factory that creates and force-drops the shadow database itself. */
function adapterFactory(url: string) {
  const pool = poolFor(url);
  const base = new PrismaPg(pool);
  const shadowPools: pg.Pool[] = [];
  const factory = {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => connectPatched(base),
    async connectToShadowDb() {
      const name = `linshe_shadow_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
      await pool.query(`CREATE DATABASE "${name}"`);
      const u = new URL(url);
      u.pathname = `/${name}`;
      const shadowPool = poolFor(u.toString());
      shadowPools.push(shadowPool);
      const adapter = await connectPatched(new PrismaPg(shadowPool));
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await shadowPool.end().catch(() => {});
        await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      };
      return adapter;
    },
  };
  return { factory: bindMigrationAwareSqlAdapterFactory(factory as never), pool };
}

let glue: typeof import("@prisma/schema-engine-wasm/schema_engine_bg") | undefined;
let panicMessage = "";

async function loadEngine() {
  if (glue) return glue;
  (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
    set_message(m: string) {
      panicMessage = m;
    },
  };
  const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm")), "schema_engine_bg.wasm");
  const module = await WebAssembly.compile(await readFile(wasmPath));
  const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  glue = bg;
  return bg;
}

export interface Engine {
  engine: SchemaEngineType;
  close(): Promise<void>;
}

export async function openEngine(databaseUrl: string, log: (m: string) => void = () => {}): Promise<Engine> {
  const bg = await loadEngine();
  const schema = await readFile(schemaPath, "utf8");
  const { factory, pool } = adapterFactory(databaseUrl);
  let engine: SchemaEngineType;
  try {
    engine = (await bg.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, log, factory)) as SchemaEngineType;
  } catch (e) {
    throw withPanic(e);
  }
  return {
    engine,
    async close() {
      try {
        engine.free();
      } catch {
        /* already freed */
      }
      await pool.end().catch(() => {});
    },
  };
}

function withPanic(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (panicMessage) err.message += `\n(schema engine panic: ${panicMessage})`;
  return err;
}

export async function loadMigrations(dir = migrationsDir): Promise<MigrationList> {
  const dirs = existsSync(dir)
    ? (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const lockPath = path.join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      dirs.map(async (name) => {
        const file = path.join(dir, name, "migration.sql");
        const content = existsSync(file)
          ? ({ tag: "ok", value: await readFile(file, "utf8") } as const)
          : ({ tag: "error", value: `missing ${file}` } as const);
        return { path: name, migrationFile: { path: "migration.sql", content } };
      }),
    ),
  };
}

async function run<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw withPanic(e);
  }
}

/** `migrate deploy`: applies the pending migrations; returns their names. */
export async function applyMigrations(databaseUrl: string, dir = migrationsDir): Promise<string[]> {
  const { engine, close } = await openEngine(databaseUrl);
  try {
    const out = await run(engine.applyMigrations({ migrationsList: await loadMigrations(dir), filters }));
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}

/** `migrate dev --create-only`: writes a new migration folder for the schema changes, if any. */
export async function createMigration(databaseUrl: string, name: string): Promise<string | null> {
  const { engine, close } = await openEngine(databaseUrl);
  try {
    const migrationsList = await loadMigrations();
    await run(engine.devDiagnostic({ migrationsList, filters }));
    const schema = await readFile(schemaPath, "utf8");
    const out = await run(
      engine.createMigration({
        draft: false,
        migrationName: name,
        migrationsList,
        schema: { files: [{ path: schemaPath, content: schema }] },
        filters,
      }),
    );
    if (!out.migrationScript) return null;
    const folder = path.join(migrationsDir, out.generatedMigrationName);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, `migration.${out.extension}`), out.migrationScript);
    const lock = path.join(migrationsDir, "migration_lock.toml");
    if (!existsSync(lock)) {
      await writeFile(
        lock,
        `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${out.connectorType}"\n`,
      );
    }
    return out.generatedMigrationName;
  } finally {
    await close();
  }
}

/**
 * SQL that would bring the migrations up to schema.prisma; empty when they agree.
 * Replays the migrations into a shadow database.
 */
export async function driftScript(databaseUrl: string, schemaContent?: string, dir = migrationsDir): Promise<string> {
  const { engine, close } = await openEngine(databaseUrl);
  try {
    const schema = schemaContent ?? (await readFile(schemaPath, "utf8"));
    const out = await run(
      engine.diff({
        from: { tag: "migrations", ...(await loadMigrations(dir)) },
        to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
        script: true,
        exitCode: false,
        filters,
      }),
    );
    const sql = (out.stdout ?? "").trim();
    return sql === "-- This is an empty migration." ? "" : sql;
  } finally {
    await close();
  }
}
