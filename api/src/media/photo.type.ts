import { builder } from "../builder.js";
import { signedMediaUrl } from "./signed.js";

// Not a Node: a photo is reached only through what it belongs to (a report, a visit), whose field
// asks the access policy before any URL is signed.
builder.prismaObject("Photo", {
  description: "A photo without metadata (EXIF and GPS removed); its URLs are signed and expire after a few minutes",
  fields: (t) => ({
    url: t.string({ description: "The photo (at most 2560 px), a signed URL valid for MEDIA_URL_TTL_SECONDS", resolve: (p) => signedMediaUrl(p.key) }),
    thumbnailUrl: t.string({ description: "A 320 px JPEG thumbnail, signed like `url`", resolve: (p) => signedMediaUrl(p.thumbKey) }),
    width: t.exposeInt("width"),
    height: t.exposeInt("height"),
    contentType: t.exposeString("contentType"),
  }),
});
