// The shared parts, as a person uses them.
import { CombinedError } from "@urql/core";
import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import userEvent from "@testing-library/user-event";
import { createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { createFormState } from "../lib/form";
import { AfterTask } from "./AfterTask";
import { Checkbox } from "./Checkbox";
import { confirmDialog, DialogHost, promptDialog } from "./Dialog";
import { Field, Form, FormErrors } from "./Field";
import { ForById } from "./ForById";
import { QueryView } from "./QueryView";
import { LongText } from "./ReportCard";
import { SearchableSelect, searchPages, type Option, type OptionPage } from "./SearchableSelect";
import { dismiss, toast, ToastHost } from "./Toast";

describe("Dialog", () => {
  it("confirm: resolves true on the confirm button, false on Esc", async () => {
    render(() => <DialogHost />);
    const yes = confirmDialog({ title: "确定取消认领？", confirm: "取消认领" });
    const dialog = await screen.findByRole("dialog", { name: "确定取消认领？" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    fireEvent.click(screen.getByRole("button", { name: "取消认领" }));
    expect(await yes).toBe(true);
    expect(screen.queryByRole("dialog")).toBeNull();

    const no = confirmDialog({ title: "撤回？" });
    await screen.findByRole("dialog");
    fireEvent.keyDown(document, { key: "Escape" });
    expect(await no).toBe(false);
  });

  it("a dangerous confirm starts on 取消: a second Enter after the one that asked does not answer yes", async () => {
    render(() => <DialogHost />);
    const user = userEvent.setup();
    const erase = confirmDialog({ title: "缩短为30天？", confirm: "缩短并删除", danger: true });
    await screen.findByRole("dialog");
    expect(document.activeElement?.textContent).toBe("取消");
    await user.keyboard("{Enter}");
    expect(await erase).toBe(false);
    // Not dangerous: the confirm button, as before.
    const ok = confirmDialog({ title: "发布？" });
    await screen.findByRole("dialog");
    expect(document.activeElement?.textContent).toBe("确定");
    await user.keyboard("{Enter}");
    expect(await ok).toBe(true);
  });

  it("prompt: requires the text, then returns it; cancel returns null", async () => {
    render(() => <DialogHost />);
    const reason = promptDialog({ title: "取消这个班次？", label: "取消原因", confirm: "取消班次" });
    const input = await screen.findByLabelText("取消原因");
    fireEvent.click(screen.getByRole("button", { name: "取消班次" }));
    expect(await screen.findByText("请填写")).toBeTruthy();
    expect(input.getAttribute("aria-invalid")).toBe("true");
    fireEvent.input(input, { target: { value: "  暴雨预警  " } });
    fireEvent.click(screen.getByRole("button", { name: "取消班次" }));
    expect(await reason).toBe("暴雨预警");

    const none = promptDialog({ title: "驳回？", label: "原因" });
    await screen.findByRole("dialog");
    fireEvent.click(screen.getByRole("button", { name: "取消" }));
    expect(await none).toBeNull();
  });
  it("a tap beside it (the second tap of a double tap on the button that opened it, a slip while typing) leaves it open, text and all", async () => {
    const { container } = render(() => <DialogHost />);
    const reason = promptDialog({ title: "终止协议？", label: "终止原因" });
    const input = await screen.findByLabelText("终止原因");
    fireEvent.input(input, { target: { value: "单位搬迁" } });
    fireEvent.click(container.querySelector(".dialog-backdrop")!);
    expect(screen.getByRole("dialog", { name: "终止协议？" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "确定" }));
    expect(await reason).toBe("单位搬迁");
  });
});

describe("Toast", () => {
  it("success is a status, failure an alert; the same text is not stacked; close removes it", async () => {
    render(() => <ToastHost />);
    toast.success("已发布 2 个班次");
    toast.success("已发布 2 个班次");
    const id = toast.error("网络连接失败");
    expect(screen.getAllByRole("status")).toHaveLength(1);
    expect(screen.getByRole("alert").textContent).toContain("网络连接失败");
    dismiss(id);
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: "关闭" }));
    await waitFor(() => expect(screen.queryByRole("status")).toBeNull());
  });
});

describe("Field and Form", () => {
  it("a required field left empty gets its error beside it, and onSubmit does not run", async () => {
    Element.prototype.scrollIntoView = vi.fn();
    const submit = vi.fn();
    const form = createFormState();
    render(() => (
      <Form form={form} onSubmit={submit} label="登记义警">
        <Field name="name" label="姓名" required>{(a) => <input {...a} />}</Field>
        <Field name="phone" label="手机号" required>{(a) => <input {...a} value="13712345678" />}</Field>
        <FormErrors />
        <button type="submit">登记</button>
      </Form>
    ));
    fireEvent.click(screen.getByRole("button", { name: "登记" }));
    const name = screen.getByLabelText(/姓名/);
    await waitFor(() => expect(name.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(name.getAttribute("aria-describedby")!)!.textContent).toBe("请填写姓名");
    expect(screen.getByLabelText(/手机号/).getAttribute("aria-invalid")).toBeNull();
    expect(submit).not.toHaveBeenCalled();
    await waitFor(() => expect(Element.prototype.scrollIntoView).toHaveBeenCalled());
    // Typing clears the field's error; a filled form submits.
    fireEvent.input(name, { target: { value: "方晓燕" } });
    await waitFor(() => expect(name.getAttribute("aria-invalid")).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: "登记" }));
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it("API errors without a field of this form show above the button", () => {
    const form = createFormState();
    render(() => (
      <Form form={form} onSubmit={() => {}}>
        <Field name="title" label="标题">{(a) => <input {...a} />}</Field>
        <FormErrors />
      </Form>
    ));
    form.setUserErrors([{ code: "VALIDATION", message: "最多 40 个字", field: ["input", "title"] }, { code: "FORBIDDEN", message: "只有队长可以发布", field: ["input", "teamId"] }]);
    expect(screen.getByText("最多 40 个字").className).toBe("field-error");
    expect(screen.getByRole("alert").textContent).toBe("只有队长可以发布");
  });
});

describe("QueryView", () => {
  const view = (q: { data?: { items: string[] } | null; error?: CombinedError; fetching: boolean }, retry = vi.fn()) =>
    render(() => (
      <QueryView query={q as never} select={(d: { items: string[] } | null) => d?.items} retry={retry} isEmpty={(l: string[]) => !l.length} empty={<p>空</p>} notFound={<p>没有找到</p>}>
        {(items) => <ul>{items().map((i) => <li>{i}</li>)}</ul>}
      </QueryView>
    ));

  it("loading, then the data", () => {
    view({ fetching: true });
    expect(screen.getByRole("status").textContent).toBe("加载中…");
  });
  it("a network error: the error and a retry, and no 加载中… beside it", () => {
    const retry = vi.fn();
    view({ fetching: false, error: new CombinedError({ networkError: new TypeError("Failed to fetch") }) }, retry);
    expect(screen.getByRole("alert").textContent).toContain("网络连接失败");
    expect(screen.queryByText("加载中…")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "重试" }));
    expect(retry).toHaveBeenCalled();
  });
  it("an error while still fetching shows the error, not 加载中…", () => {
    view({ fetching: true, error: new CombinedError({ graphQLErrors: [{ message: "stationId 不是有效的派出所" }] }) });
    expect(screen.getByRole("alert").textContent).toContain("stationId 不是有效的派出所");
    expect(screen.queryByText("加载中…")).toBeNull();
  });
  it("empty, not found, and the data", () => {
    view({ fetching: false, data: { items: [] } });
    expect(screen.getByText("空")).toBeTruthy();
    view({ fetching: false, data: null as never });
    view({ fetching: false, data: { items: ["护学岗"] } });
    expect(screen.getByText("护学岗")).toBeTruthy();
  });
  it("not found when the answer has no such thing", () => {
    render(() => (
      <QueryView query={{ fetching: false, data: { node: null } }} select={(d: { node: null }) => d.node} retry={() => {}} notFound={<p>没有找到</p>}>
        {() => <p>有</p>}
      </QueryView>
    ));
    expect(screen.getByText("没有找到")).toBeTruthy();
  });
});

describe("SearchableSelect", () => {
  const people: Option[] = Array.from({ length: 230 }, (_, i) => ({ id: `v${i}`, label: i === 150 ? "吴荣根" : `队员${i}` }));
  /** A paged connection of 100 a page, with cursors, as the API answers. */
  const pageOf = vi.fn(async (after: string | null): Promise<OptionPage> => {
    const start = after ? Number(after) : 0;
    const items = people.slice(start, start + 100);
    return { items, hasNextPage: start + 100 < people.length, endCursor: String(start + items.length) };
  });

  it("searchPages: finds a member past the first page by paging with after", async () => {
    const load = searchPages(pageOf, 20, 5);
    const r = await load("吴荣", null);
    expect(r.items.map((o) => o.label)).toEqual(["吴荣根"]);
    expect(r.hasNextPage).toBe(false);
    const all = await load("", null);
    expect(all.items).toHaveLength(100);
    expect(all.hasNextPage).toBe(true);
    const next = await load("", all.endCursor);
    expect(next.items[0]!.label).toBe("队员100");
  });

  it("type to search, load more, choose", async () => {
    const user = userEvent.setup();
    const [value, setValue] = createSignal<Option | null>(null);
    const load = searchPages(pageOf, 20, 5);
    render(() => <SearchableSelect load={load} value={value()} onChange={setValue} aria-label="安排队员" noneLabel="集体" />);
    const box = screen.getByRole("combobox", { name: "安排队员" });
    await user.click(box);
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(101));
    await user.click(screen.getByRole("button", { name: "加载更多" }));
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(201));
    await user.type(box, "吴荣");
    await waitFor(() => expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["集体", "吴荣根"]));
    await user.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(value()?.id).toBe("v150");
    expect((box as HTMLInputElement).value).toBe("吴荣根");
  });

  it("says when the list could not load, and retries", async () => {
    const user = userEvent.setup();
    let fail = true;
    const load = vi.fn(async () => {
      if (fail) throw new Error("offline");
      return { items: [{ id: "a", label: "张三" }], hasNextPage: false, endCursor: null };
    });
    render(() => <SearchableSelect load={load} value={null} onChange={() => {}} aria-label="选择人员" />);
    await user.click(screen.getByRole("combobox"));
    await screen.findByText("加载失败");
    fail = false;
    await user.click(screen.getByRole("button", { name: "重试" }));
    expect(await screen.findByRole("option", { name: "张三" })).toBeTruthy();
  });
});

describe("Checkbox", () => {
  it("shows the state it is given (a failed save leaves it unchanged)", () => {
    const onChange = vi.fn();
    render(() => <Checkbox checked={false} onChange={onChange}>在积分榜上显示我</Checkbox>);
    const box = screen.getByRole("checkbox", { name: "在积分榜上显示我" }) as HTMLInputElement;
    fireEvent.click(box);
    expect(onChange).toHaveBeenCalledWith(true);
    expect(box.checked).toBe(false);
  });
});

describe("AfterTask", () => {
  it("draws its children in a later task, not in the one that made it", async () => {
    render(() => (
      <AfterTask>
        <p>巡逻班次</p>
      </AfterTask>
    ));
    expect(screen.queryByText("巡逻班次")).toBeNull();
    expect(await screen.findByText("巡逻班次")).toBeTruthy();
  });
});

describe("ForById", () => {
  it("a reload with new objects for the same rows keeps what each row holds (an open scanner, a typed code) and shows the new values", async () => {
    const [rows, setRows] = createSignal([{ id: "a", title: "夜巡" }, { id: "b", title: "早巡" }]);
    render(() => (
      <ForById each={rows()}>
        {(row) => {
          const [open, setOpen] = createSignal(false);
          return (
            <button type="button" onClick={() => setOpen(true)}>
              {row().title}
              {open() ? "·打开" : ""}
            </button>
          );
        }}
      </ForById>
    ));
    fireEvent.click(screen.getByRole("button", { name: "夜巡" }));
    expect(screen.getByRole("button", { name: "夜巡·打开" })).toBeTruthy();
    setRows([{ id: "a", title: "夜巡（改）" }, { id: "b", title: "早巡" }, { id: "c", title: "午巡" }]);
    expect(screen.getByRole("button", { name: "夜巡（改）·打开" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "午巡" })).toBeTruthy();
    setRows([{ id: "b", title: "早巡" }]);
    expect(screen.queryByRole("button", { name: /夜巡/ })).toBeNull();
  });
});

describe("LongText (a report's description in a list)", () => {
  it("shows a long one cut to its first lines, the whole on a tap, and a short one as it is", async () => {
    const long = "3幢楼道堆放电动车电池，堵塞消防通道。".repeat(20);
    render(() => <LongText text={long} />);
    const text = screen.getByTestId("report-text");
    expect(text.className).toContain("clamp");
    fireEvent.click(screen.getByRole("button", { name: "展开全文" }));
    expect(text.className).not.toContain("clamp");
    expect(screen.getByRole("button", { name: "收起" }).getAttribute("aria-expanded")).toBe("true");
    document.body.innerHTML = "";
    render(() => <LongText text="楼道堆放杂物" />);
    expect(screen.getByTestId("report-text").className).not.toContain("clamp");
    expect(screen.queryByRole("button")).toBeNull();
  });
});
