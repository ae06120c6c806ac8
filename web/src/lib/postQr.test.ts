import { describe, expect, it } from "vitest";
import { parsePostQr, postQrUrl } from "./postQr";

describe("the post's QR code", () => {
  it("links to 我的班次 with the shift and its code, and reads back both", () => {
    const url = postQrUrl("https://linshe.example", "U2hpZnQ6YWJj+/=", "042517");
    expect(url).toBe("https://linshe.example/my?shift=U2hpZnQ6YWJj%2B%2F%3D&code=042517");
    expect(parsePostQr(url)).toEqual({ code: "042517", shiftId: "U2hpZnQ6YWJj+/=" });
  });
  it("takes a bare post code, and nothing else", () => {
    expect(parsePostQr(" 042517 ")).toEqual({ code: "042517", shiftId: null });
    expect(parsePostQr("https://example.com/pay?code=042517")).toBeNull();
    expect(parsePostQr("https://linshe.example/my?code=<script>")).toBeNull();
    expect(parsePostQr("WIFI:S:guest;;")).toBeNull();
  });
});
