// A change of person in one tab: what sits beside the router (messages, an open dialog) is the
// previous person's and goes with their token.
import { render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { confirmDialog, DialogHost } from "../components/Dialog";
import { ToastHost, toast } from "../components/Toast";
import { setToken, signOut } from "./auth";

afterEach(() => setToken(null));

describe("signing out, then in as someone else", () => {
  it("leaves none of the previous person's messages or questions on the screen", async () => {
    render(() => (
      <>
        <ToastHost />
        <DialogHost />
      </>
    ));
    setToken("token-of-a");
    toast.success("认领成功");
    toast.error("与已确认班次时间冲突");
    const answer = confirmDialog({ title: "确定取消认领？", message: "甲的夜巡" });
    expect(await screen.findByText("甲的夜巡")).toBeTruthy();
    expect(screen.getAllByTestId(/^toast-/)).toHaveLength(2);

    signOut();
    expect(screen.queryAllByTestId(/^toast-/)).toHaveLength(0);
    expect(screen.queryByText("甲的夜巡")).toBeNull();
    expect(await answer).toBe(false); // as if cancelled: nothing runs for the previous person

    // A failed sign-in's message is gone once someone signs in; the same token again keeps messages.
    toast.error("密码错误");
    setToken("token-of-b");
    expect(screen.queryAllByTestId(/^toast-/)).toHaveLength(0);
    toast.success("认领成功");
    setToken("token-of-b");
    expect(screen.getAllByTestId(/^toast-/)).toHaveLength(1);
  });
});
