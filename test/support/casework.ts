// Multipart uploads as the web app sends them (GraphQL multipart request spec, with the CSRF header),
// and photos to send.
import sharp from "sharp";
import type { App } from "../../api/src/app.js";
import type { GqlResponse } from "./client.js";

export interface FilePart {
  /** Variable path, e.g. "variables.input.photos.0" */
  path: string;
  data: Buffer;
  name: string;
  type: string;
}

/** A header given as "" is left out. */
const sent = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== ""));

export async function upload<T = Record<string, any>>(app: App, query: string, variables: Record<string, unknown>, files: FilePart[], token?: string | null, headers: Record<string, string> = {}): Promise<{ status: number; body: GqlResponse<T> }> {
  const form = new FormData();
  form.set("operations", JSON.stringify({ query, variables }));
  form.set("map", JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]]))));
  files.forEach((f, i) => form.set(String(i), new Blob([new Uint8Array(f.data)], { type: f.type }), f.name));
  const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: sent({ "x-graphql-yoga-csrf": "1", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }), body: form });
  return { status: res.status, body: (await res.json()) as GqlResponse<T> };
}

/** A phone photo: JPEG with EXIF that says where it was taken (GPS) and on what. */
export function jpegWithGps(color = "#3a6", width = 800, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .jpeg()
    .withExif({
      IFD0: { Make: "LinsheTestPhone", Model: "GPS-Cam" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "30/1 15/1 2/1", GPSLongitudeRef: "E", GPSLongitude: "120/1 10/1 5/1" },
    })
    .toBuffer();
}

/** A photo of noise: PNG cannot compress it, so it is several MB. */
export const noisyPhoto = () => sharp({ create: { width: 1200, height: 1000, channels: 3, background: "#888", noise: { type: "gaussian", mean: 128, sigma: 60 } } }).png().toBuffer();

export const pngPhoto = (color = "#c33") => sharp({ create: { width: 300, height: 200, channels: 4, background: color } }).png().toBuffer();
export const webpPhoto = (color = "#33c") => sharp({ create: { width: 300, height: 200, channels: 3, background: color } }).webp().toBuffer();

/** Does this image still carry EXIF, and in it a GPS block? */
export async function exifOf(data: Buffer): Promise<{ exif: boolean; gps: boolean; make: boolean }> {
  const meta = await sharp(data).metadata();
  const raw = meta.exif ?? Buffer.alloc(0);
  // GPS IFD pointer tag 0x8825 in either byte order.
  const gps = raw.includes(Buffer.from([0x88, 0x25])) || raw.includes(Buffer.from([0x25, 0x88]));
  return { exif: !!meta.exif, gps, make: data.includes(Buffer.from("LinsheTestPhone")) };
}
