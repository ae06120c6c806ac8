// Photos of a report, its resolution or a home-watch visit: checked and re-encoded (images.ts), put
// in the media storage before the database transaction, and removed again if that transaction fails.
import { randomUUID } from "node:crypto";
import { config } from "../config.js";
import { prisma } from "../db.js";
import { UserFacingError } from "../graphql/errors.js";
import { msg } from "../i18n.js";
import { log, safeError } from "../log.js";
import { CONTENT_TYPE, EXTENSION, MAX_PHOTO_BYTES, MAX_PHOTOS, processPhoto, tooLarge } from "./images.js";
import { mediaStorage } from "./storage.js";
import type { UploadFile } from "./upload.js";

export interface StoredPhoto {
  key: string;
  thumbKey: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
}

function newKeys(ext: string): { key: string; thumbKey: string } {
  const now = new Date();
  const base = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${randomUUID()}`;
  return { key: `${base}.${ext}`, thumbKey: `${base}-thumb.jpg` };
}

/**
 * Photos an account may store per hour (PHOTO_UPLOADS_PER_HOUR, 0: no quota): one signed-in account
 * could otherwise fill the disk and keep sharp busy at the mutation rate limit (120 × 6 photos a
 * minute). Counted from the Photo rows, so every process sees the same count; asked before any
 * file is decoded. Two requests at the same instant may both pass: the quota is a bound, not a ledger.
 */
async function checkQuota(uploaderId: string, adding: number, field: string[]) {
  const perHour = config.photoUploadsPerHour;
  if (!perHour || !adding) return;
  // createdAt is the database's own now(), hence the wall clock here.
  const recent = await prisma.photo.count({ where: { uploadedById: uploaderId, createdAt: { gt: new Date(Date.now() - 3600_000) } } });
  if (recent + adding > perHour) {
    throw new UserFacingError("RATE_LIMITED", msg(`照片上传过多：每小时最多${perHour}张，请稍后再试`, `Too many photos: at most ${perHour} an hour, try again later`), field);
  }
}

/** Every file is checked before any is stored: one bad photo refuses the lot, with its index in `field`. */
export async function storePhotos(uploaderId: string, files: readonly UploadFile[], field: string[], max = MAX_PHOTOS): Promise<StoredPhoto[]> {
  if (files.length > max) throw new UserFacingError("VALIDATION", msg(`最多上传${max}张照片`, `At most ${max} photos`), field);
  for (const [i, f] of files.entries()) if (f.size > MAX_PHOTO_BYTES) throw tooLarge([...field, String(i)]);
  await checkQuota(uploaderId, files.length, field);
  const processed = [];
  for (const [i, f] of files.entries()) processed.push(await processPhoto(Buffer.from(await f.arrayBuffer()), [...field, String(i)]));
  const stored: StoredPhoto[] = [];
  try {
    for (const p of processed) {
      const keys = newKeys(EXTENSION[p.format]);
      await mediaStorage().put(keys.key, p.full, CONTENT_TYPE[p.format]);
      stored.push({ ...keys, contentType: CONTENT_TYPE[p.format], width: p.width, height: p.height, bytes: p.full.length });
      await mediaStorage().put(keys.thumbKey, p.thumb, "image/jpeg");
    }
  } catch (e) {
    await discardPhotos(stored);
    throw e;
  }
  return stored;
}

/** Removes stored files (a failed transaction, an erasure). Never throws: a leftover file is only logged. */
export async function discardPhotos(photos: readonly { key: string; thumbKey: string }[]): Promise<void> {
  if (!photos.length) return;
  try {
    await mediaStorage().delete(photos.flatMap((p) => [p.key, p.thumbKey]));
  } catch (e) {
    log.warn({ err: safeError(e) }, "media: could not delete files");
  }
}

/** Runs `write` with the photos stored (uploaded by the account `uploaderId`); if it fails, the files go again. */
export async function withPhotos<T>(
  uploaderId: string,
  files: readonly UploadFile[] | null | undefined,
  field: string[],
  write: (photos: StoredPhoto[]) => Promise<T>,
  max = MAX_PHOTOS,
): Promise<T> {
  const photos = files?.length ? await storePhotos(uploaderId, files, field, max) : [];
  try {
    return await write(photos);
  } catch (e) {
    await discardPhotos(photos);
    throw e;
  }
}
