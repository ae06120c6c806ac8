// Where photos live. Services talk to the MediaStorage interface only; the local-disk store under
// UPLOAD_DIR is the default, and an S3-compatible store (put/get/delete by key) can take its place
// with setMediaStorage() without touching the services or the signed-URL route.
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { config } from "../config.js";

export interface MediaStorage {
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The object as a stream, or null when there is none. */
  get(key: string): Promise<{ stream: Readable; size: number } | null>;
  /** Deleting a missing key is not an error. */
  delete(keys: readonly string[]): Promise<void>;
}

/** Keys are made by newMediaKey(): nothing else (no `..`, no absolute path) is ever read or written. */
export const KEY = /^\d{4}\/\d{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:-thumb)?\.(?:jpg|png|webp)$/;

export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new Error("invalid media key");
}

export class LocalDiskStorage implements MediaStorage {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    assertKey(key);
    return path.join(this.dir, key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written whole, then renamed: a reader never sees half a photo.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, file);
  }

  async get(key: string): Promise<{ stream: Readable; size: number } | null> {
    const file = this.file(key);
    try {
      const s = await stat(file);
      if (!s.isFile()) return null;
      return { stream: createReadStream(file), size: s.size };
    } catch {
      return null;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(this.file(k), { force: true })));
  }
}

let current: MediaStorage | null = null;

export function mediaStorage(): MediaStorage {
  return (current ??= new LocalDiskStorage(config.uploadDir));
}

/** Replaces the store (an S3-compatible one, or a test's). */
export function setMediaStorage(storage: MediaStorage): void {
  current = storage;
}
