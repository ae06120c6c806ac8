// REUSE_PORT=1: several API processes on one port (SO_REUSEPORT), where Node and the platform set it.
// This file runs the two servers in one process (its own test worker): the kernel treats two listening
// sockets with SO_REUSEPORT alike whichever process holds them.
import { describe, expect, it } from "vitest";
import { buildApp, reusePortSupported } from "../api/src/app.js";

describe("REUSE_PORT", () => {
  it("knows which Node versions and platforms set SO_REUSEPORT", () => {
    expect(reusePortSupported("20.20.2", "linux")).toBe(false);
    expect(reusePortSupported("22.11.0", "linux")).toBe(false);
    expect(reusePortSupported("22.12.0", "linux")).toBe(true);
    expect(reusePortSupported("23.0.0", "linux")).toBe(false);
    expect(reusePortSupported("23.1.0", "linux")).toBe(true);
    expect(reusePortSupported("24.11.1", "linux")).toBe(true);
    expect(reusePortSupported("24.11.1", "darwin")).toBe(false);
    expect(reusePortSupported("24.11.1", "win32")).toBe(false);
  });

  it("lets a second server listen on the same port where supported, and refuses with the reason elsewhere", async () => {
    const first = await buildApp();
    if (!reusePortSupported()) {
      await expect(first.start(0, "127.0.0.1", { ready: false, reusePort: true })).rejects.toThrow(/REUSE_PORT=1 needs Node/);
      return;
    }
    const a = await first.start(0, "127.0.0.1", { ready: false, reusePort: true });
    const b = await (await buildApp()).start(a.port, "127.0.0.1", { ready: false, reusePort: true });
    try {
      expect(b.port).toBe(a.port);
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${a.url}/livez`, { headers: { connection: "close" } });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    } finally {
      await Promise.all([a.stop(100), b.stop(100)]);
    }
  });
});
