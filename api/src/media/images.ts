// Photos as they are kept: the type decided by the bytes (never the name or the browser's claim),
// re-encoded by sharp without any metadata (EXIF with its GPS position, XMP, comments, ICC), turned
// upright first, bounded in size, and a small JPEG thumbnail beside it.
import sharp from "sharp";
import { UserFacingError } from "../graphql/errors.js";
import { msg } from "../i18n.js";

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_PHOTOS = 6;
/** Longest side kept; larger photos are scaled down. */
const MAX_SIDE = 2560;
const THUMB_SIDE = 320;
/** Decompression bombs: a small file that decodes to billions of pixels is refused before decoding. */
const MAX_PIXELS = 50_000_000;

export type ImageFormat = "jpeg" | "png" | "webp";
export const EXTENSION: Record<ImageFormat, string> = { jpeg: "jpg", png: "png", webp: "webp" };
export const CONTENT_TYPE: Record<ImageFormat, string> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp" };

/** The format by its magic bytes. */
export function sniffImage(b: Uint8Array): ImageFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) return "png";
  if (b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === "RIFF" && String.fromCharCode(...b.subarray(8, 12)) === "WEBP") return "webp";
  return null;
}

/** HEIC/HEIF (an iPhone's camera default) and AVIF: an ISO-BMFF `ftyp` box of an image brand. */
export function isHeif(b: Uint8Array): boolean {
  if (b.length < 12 || String.fromCharCode(...b.subarray(4, 8)) !== "ftyp") return false;
  return /^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif|avis)$/.test(String.fromCharCode(...b.subarray(8, 12)));
}

export interface ProcessedPhoto {
  format: ImageFormat;
  full: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
}

/** "第2张" when the field is an item of a list of photos. */
const nth = (field: string[]) => {
  const last = field[field.length - 1] ?? "";
  return /^\d+$/.test(last) ? Number(last) + 1 : null;
};

export const notAnImage = (field: string[]) => {
  const n = nth(field);
  return new UserFacingError(
    "VALIDATION",
    n
      ? msg(`第${n}张照片不是有效的图片：只能上传 JPEG、PNG 或 WebP 格式的照片`, `Photo ${n} is not a valid image: only JPEG, PNG or WebP photos can be uploaded`)
      : msg("不是有效的图片：只能上传 JPEG、PNG 或 WebP 格式的照片", "Not a valid image: only JPEG, PNG or WebP photos can be uploaded"),
    field,
  );
};
/** A phone's HEIC photo: say what to change instead of only "not a valid image". */
export const heicRefused = (field: string[]) => {
  const n = nth(field);
  const which = n ? `第${n}张照片` : "照片";
  return new UserFacingError(
    "VALIDATION",
    msg(
      `${which}是 HEIC 格式（苹果手机默认），暂不支持：请在“设置 > 相机 > 格式”中选择“兼容性最佳”，或用截屏后上传`,
      `${n ? `Photo ${n}` : "The photo"} is HEIC (an iPhone's default), which is not supported: choose Settings > Camera > Formats > Most Compatible, or upload a screenshot`,
    ),
    field,
  );
};
export const tooLarge = (field: string[]) => {
  const n = nth(field);
  return new UserFacingError(
    "VALIDATION",
    n ? msg(`第${n}张照片太大：每张不能超过10MB`, `Photo ${n} is too large: at most 10 MB each`) : msg("照片太大：不能超过10MB", "Photo too large: at most 10 MB"),
    field,
  );
};

export async function processPhoto(data: Buffer, field: string[]): Promise<ProcessedPhoto> {
  if (data.length > MAX_PHOTO_BYTES) throw tooLarge(field);
  const format = sniffImage(data);
  if (!format) throw isHeif(data) ? heicRefused(field) : notAnImage(field);
  const open = () => sharp(data, { failOn: "error", limitInputPixels: MAX_PIXELS });
  try {
    const meta = await open().metadata();
    if (meta.format !== format || !meta.width || !meta.height) throw notAnImage(field);
    // sharp writes no metadata unless asked (keepMetadata/withMetadata): re-encoding drops it all.
    const upright = () => open().rotate().resize({ width: MAX_SIDE, height: MAX_SIDE, fit: "inside", withoutEnlargement: true });
    const encoded =
      format === "jpeg" ? upright().jpeg({ quality: 85 }) : format === "png" ? upright().png({ compressionLevel: 6 }) : upright().webp({ quality: 85 });
    const { data: full, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumb = await open().rotate().resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: "inside", withoutEnlargement: true }).flatten({ background: "#ffffff" }).jpeg({ quality: 75 }).toBuffer();
    return { format, full, thumb, width: info.width, height: info.height };
  } catch (e) {
    if (e instanceof UserFacingError) throw e;
    // Truncated or corrupt data, or too many pixels: the person's file, not our failure.
    if (/pixel limit/i.test(String((e as Error).message))) {
      throw new UserFacingError("VALIDATION", msg("图片像素过多，请缩小后再上传", "The image has too many pixels; scale it down first"), field);
    }
    throw notAnImage(field);
  }
}
