// A volunteer's 兑换 from the points page when the network fails them: the answer to a redemption is lost
// (the API did it), the volunteer taps 兑换 again. One redemption, one debit; and a cost raised meanwhile
// spends nothing without asking.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { DEMO_PHONES } from "../support/fixtures.js";
import { context, demoBrowserApp, PHONE, settle, signInAs } from "./browser.js";

const t = demoBrowserApp();
const PHONE_OF = String(Number(DEMO_PHONES.firstVolunteer) + 150);

describe("兑换 on a bad network", () => {
  it("a redemption whose answer was lost, tapped again, spends once; a cost changed since the page showed it spends nothing", async () => {
    const fushan = await prisma.station.findUniqueOrThrow({ where: { name: "府山派出所" } });
    const v = await prisma.volunteer.findUniqueOrThrow({ where: { phone: PHONE_OF } });
    await prisma.pointsEntry.create({ data: { volunteerId: v.id, stationId: fushan.id, amount: 100, reason: "ADJUSTMENT", note: "测试", source: `e2e:${v.id}` } });
    const reward = await prisma.reward.findUniqueOrThrow({ where: { stationId_name: { stationId: fushan.id, name: "反诈宣传帆布袋" } } });
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, PHONE_OF);
    await page.goto("/points");
    await settle(page);
    // The first redemption reaches the API, its answer never reaches the phone.
    let lost = 0;
    await page.route("**/graphql**", async (route) => {
      if (!lost && (route.request().postData() ?? "").includes('"rewardId"')) {
        lost++;
        await route.fetch();
        return route.abort("failed");
      }
      return route.fallback();
    });
    const card = page.locator(".card").filter({ hasText: "反诈宣传帆布袋" });
    const redeem = async () => {
      await card.getByRole("button", { name: "兑换" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "兑换" }).click();
    };
    await redeem();
    await page.getByTestId("toast-error").filter({ hasText: "网络连接失败" }).waitFor();
    expect(lost).toBe(1);
    // The page asks for its points again after a redemption. That answer must be in before the cost is
    // raised, or it brings 60 to the page and the volunteer confirms 60 (networkidle was reached long ago
    // and waits for nothing).
    const refetched = page.waitForResponse((r) => {
      const body = r.request().postData() ?? "";
      return body.includes('"volunteerId"') && body.includes('"from"') && !body.includes('"rewardId"');
    });
    await redeem();
    await page.getByTestId("toast-success").filter({ hasText: "兑换成功" }).waitFor();
    expect(await prisma.redemption.count({ where: { volunteerId: v.id } })).toBe(1);
    expect((await prisma.pointsEntry.aggregate({ where: { volunteerId: v.id, stationId: fushan.id }, _sum: { amount: true } }))._sum.amount).toBe(70);

    // The officer raises the cost while the page still shows 30 (after its refetch of the redemption).
    await (await refetched).finished();
    await card.getByText("30 积分 · 库存 99").waitFor();
    await prisma.reward.update({ where: { id: reward.id }, data: { cost: 60 } });
    await redeem();
    await page.getByTestId("toast-error").filter({ hasText: "所需积分已变为 60" }).waitFor();
    expect(await prisma.redemption.count({ where: { volunteerId: v.id } })).toBe(1);
    await ctx.close();
  }, 120_000);
});
