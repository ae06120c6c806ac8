// 消息: the inbox (newest first, mark read, a call-up answered in one tap), and how to be told:
// per kind in the app and by SMS, quiet hours, the calendar feed and the home grid.
import { A } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { CallUpAnswer } from "../components/CallUpAnswer";
import { Checkbox } from "../components/Checkbox";
import { confirmDialog } from "../components/Dialog";
import { QueryView } from "../components/QueryView";
import { Tabs } from "../components/Tabs";
import { toast } from "../components/Toast";
import {
  CallUpStatesDocument, InboxDocument, MarkNotificationsReadDocument, NoticeSettingsDocument, ResetCalendarFeedDocument, SetHomeGridDocument,
  UnreadCountDocument, UpdateNotificationPreferencesDocument, type NotificationKind,
} from "../gql/graphql";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { refreshOnReturn } from "../lib/refresh";
import { formatDateTime } from "../lib/time";

/** One page of the inbox; the last page offers the next (each page is its own query, so earlier pages stay). */
function NoticePage(props: { unreadOnly: boolean; after: string | null; last: boolean; onMore: (cursor: string) => void; reloads: Set<() => void>; reloadAll: () => void }) {
  const [q, refetch] = createQuery({ query: InboxDocument, variables: () => ({ unreadOnly: props.unreadOnly, after: props.after }), requestPolicy: "cache-and-network" });
  // The call-ups the notices are about, in one more request: whether each is still open, and the answer given.
  const callUpIds = createMemo(() => [...new Set((q.data?.viewer?.notifications.edges ?? []).flatMap((e) => (e.node.kind === "MOBILIZATION" && e.node.subjectId ? [e.node.subjectId] : [])))], [], { equals: (a, b) => a.join() === b.join() });
  const [states, refetchStates] = createQuery({ query: CallUpStatesDocument, variables: () => ({ ids: callUpIds() }), pause: () => !callUpIds().length, requestPolicy: "cache-and-network" });
  const callUp = (id: string) => {
    const node = states.data?.nodes.find((n) => n?.__typename === "Mobilization" && n.id === id);
    return node?.__typename === "Mobilization" ? node : undefined;
  };
  const again = () => {
    refetch({ requestPolicy: "network-only" });
    if (callUpIds().length) refetchStates({ requestPolicy: "network-only" });
  };
  props.reloads.add(again);
  onCleanup(() => props.reloads.delete(again));
  refreshOnReturn(again);
  // Read by opening or answering it: no toast (the notice itself changes); the button says it did.
  const mark = createAction(MarkNotificationsReadDocument, { pick: (d) => d.markNotificationsRead, success: null, onSuccess: props.reloadAll });
  const markOne = createAction(MarkNotificationsReadDocument, { pick: (d) => d.markNotificationsRead, success: () => tr("已标为已读", "Marked read"), onSuccess: props.reloadAll }); // in the language of the moment it is said
  return (
    <QueryView query={q} select={(d) => d.viewer?.notifications ?? null} retry={again} isEmpty={(c) => !c.edges.length && !props.after} empty={<p class="muted empty">{tr("暂无消息", "No messages")}</p>}>
      {(conn) => (
        <>
          <For each={conn().edges}>
            {(e) => {
              const n = () => e.node;
              const isCallUp = () => n().kind === "MOBILIZATION" && n().subjectId;
              return (
                <article class={`card notice ${n().read ? "" : "unread"} ${n().kind === "MOBILIZATION" ? "urgent" : ""}`} data-testid="notice">
                  <div class="spread">
                    <Badge enum="NotificationKind" value={n().kind} tone={n().kind === "MOBILIZATION" ? "bad" : undefined} />
                    <span class="muted">{formatDateTime(n().createdAt)}</span>
                  </div>
                  <h2 class="card-title">
                    <Show when={n().link} fallback={n().title}>
                      <A href={n().link!} onClick={() => !n().read && void mark.run({ input: { ids: [n().id] } })}>{n().title}</A>
                    </Show>
                  </h2>
                  <Show when={n().body}><p class="pre">{n().body}</p></Show>
                  <Show when={isCallUp()}>
                    <CallUpAnswer mobilizationId={n().subjectId!} current={callUp(n().subjectId!)?.viewerResponse?.response} closed={callUp(n().subjectId!)?.status === "CLOSED"} onAnswered={() => !n().read && void mark.run({ input: { ids: [n().id] } })} />
                  </Show>
                  <div class="row notice-foot">
                    <Show when={!n().read}>
                      <button type="button" disabled={markOne.pending()} onClick={() => void markOne.run({ input: { ids: [n().id] } })}>{tr("标为已读", "Mark read")}</button>
                    </Show>
                    <Show when={e.node.smsStatus}><Badge enum="SmsStatus" value={e.node.smsStatus} /></Show>
                  </div>
                </article>
              );
            }}
          </For>
          <Show when={props.last && conn().pageInfo.hasNextPage && conn().pageInfo.endCursor}>
            <button type="button" class="more" onClick={() => props.onMore(conn().pageInfo.endCursor!)}>{tr("加载更多", "Load more")}</button>
          </Show>
        </>
      )}
    </QueryView>
  );
}

function Notices() {
  const [unreadOnly, setUnreadOnly] = createSignal(false);
  const [pages, setPages] = createSignal<(string | null)[]>([null]);
  const [count, refetchCount] = createQuery({ query: UnreadCountDocument, requestPolicy: "cache-and-network" });
  const reloads = new Set<() => void>();
  const reloadAll = () => {
    refetchCount({ requestPolicy: "network-only" });
    for (const r of reloads) r();
  };
  // Notices arriving while the inbox is open are listed: the header's badge asks for the count when one
  // arrives (a call-up's once its row is stored, lib/notices.ts), and this query shares its answer.
  createEffect(
    on(
      () => count.data?.viewer?.unreadNotificationCount,
      (n, before) => {
        if (n !== undefined && before !== undefined && n > before) for (const r of reloads) r();
      },
    ),
  );
  const markAll = createAction(MarkNotificationsReadDocument, {
    pick: (d) => d.markNotificationsRead,
    success: (p) => tr(`已将 ${p.marked ?? 0} 条消息标为已读`, `${p.marked ?? 0} marked read`),
    onSuccess: reloadAll,
  });
  return (
    <>
      <div class="spread">
        <Checkbox checked={unreadOnly()} onChange={(c) => { setPages([null]); setUnreadOnly(c); }}>{tr("只看未读", "Unread only")}</Checkbox>
        <button type="button" disabled={markAll.pending() || !count.data?.viewer?.unreadNotificationCount} onClick={() => void markAll.run({ input: { all: true } })}>
          {tr("全部标为已读", "Mark all read")}
        </button>
      </div>
      <For each={pages()}>
        {(after, i) => <NoticePage unreadOnly={unreadOnly()} after={after} last={i() === pages().length - 1} onMore={(c) => setPages([...pages(), c])} reloads={reloads} reloadAll={reloadAll} />}
      </For>
    </>
  );
}

function Settings() {
  const [q, refetch] = createQuery({ query: NoticeSettingsDocument, requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const save = createAction(UpdateNotificationPreferencesDocument, { pick: (d) => d.updateNotificationPreferences, success: () => tr("已保存", "Saved"), onSuccess: again });
  const reset = createAction(ResetCalendarFeedDocument, { pick: (d) => d.resetCalendarFeed, success: () => tr("已生成新的订阅地址，旧地址已失效", "New feed URL: the old one no longer works"), onSuccess: again });
  const home = createAction(SetHomeGridDocument, { pick: (d) => d.setHomeGrid, success: () => tr("常驻网格已保存", "Home grid saved"), onSuccess: again });
  // The phone's calendar stops updating at once: ask first (the API asks for `confirm` too).
  const resetFeed = async () => {
    const sure = await confirmDialog({
      title: tr("重置日历订阅地址？", "Reset the calendar feed address?"),
      message: tr("旧地址将立即失效，已订阅的日历不再更新，需要用新地址重新订阅。", "The old address stops working at once: calendars subscribed to it stop updating until you subscribe to the new one."),
      confirm: tr("重置", "Reset"),
      danger: true,
    });
    if (sure) await reset.run({});
  };
  const [from, setFrom] = createSignal("");
  const [until, setUntil] = createSignal("");
  const absolute = (u: string) => new URL(u, location.origin).toString();
  return (
    <QueryView query={q} select={(d) => d.viewer} retry={again}>
      {(v) => (
        <>
          <h2>{tr("提醒方式", "How to tell me")}</h2>
          <table class="table">
            <thead><tr><th scope="col">{tr("类型", "Kind")}</th><th scope="col">{tr("应用内", "In the app")}</th><th scope="col">{tr("短信", "SMS")}</th></tr></thead>
            <tbody>
              <For each={v().notificationPreferences.kinds}>
                {(k) => (
                  <tr>
                    <th scope="row">{label("NotificationKind", k.kind)}<Show when={k.urgent}> <span class="muted">{tr("（紧急，始终提醒）", "(urgent, always)")}</span></Show></th>
                    <td><Checkbox checked={k.inApp} disabled={k.urgent || save.pending()} onChange={(c) => void save.run({ input: { kinds: [{ kind: k.kind as NotificationKind, inApp: c, sms: k.sms }] } })}><span class="sr-only">{tr("应用内", "In the app")} {label("NotificationKind", k.kind)}</span></Checkbox></td>
                    <td><Checkbox checked={k.sms} disabled={save.pending()} onChange={(c) => void save.run({ input: { kinds: [{ kind: k.kind as NotificationKind, inApp: k.inApp, sms: c }] } })}><span class="sr-only">{tr("短信", "SMS")} {label("NotificationKind", k.kind)}</span></Checkbox></td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <form onSubmit={(e) => { e.preventDefault(); void save.run({ input: { quietHoursFrom: from() || v().notificationPreferences.quietHoursFrom, quietHoursUntil: until() || v().notificationPreferences.quietHoursUntil } }); }}>
            <fieldset class="plain-fieldset">
              <legend>{tr("免打扰（短信延后，紧急召集除外）", "Quiet hours (SMS waits; call-ups don't)")}</legend>
              <div class="row">
                <label for="quiet-from">{tr("开始", "From")}</label>
                <input id="quiet-from" type="time" value={from() || v().notificationPreferences.quietHoursFrom || ""} onInput={(e) => setFrom(e.currentTarget.value)} />
                <label for="quiet-until">{tr("结束", "Until")}</label>
                <input id="quiet-until" type="time" value={until() || v().notificationPreferences.quietHoursUntil || ""} onInput={(e) => setUntil(e.currentTarget.value)} />
              </div>
              <div class="row">
                <button type="submit" disabled={save.pending()}>{tr("保存", "Save")}</button>
                <Show when={v().notificationPreferences.quietHoursFrom}>
                  <button type="button" disabled={save.pending()} onClick={() => void save.run({ input: { clearQuietHours: true } })}>{tr("取消免打扰", "No quiet hours")}</button>
                </Show>
              </div>
            </fieldset>
          </form>
          <Show when={v().volunteer}>
            <h2>{tr("常驻网格", "Home grid")}</h2>
            <p class="muted">{tr("紧急召集按你与现场的距离通知，距离从常驻网格（或最近几小时的定位签到）算起", "Call-ups reach the nearest first, measured from your home grid (or a recent GPS check-in)")}</p>
            <label class="sr-only" for="home-grid">{tr("常驻网格", "Home grid")}</label>
            <select id="home-grid" value={v().volunteer?.homeGrid?.id ?? ""} disabled={home.pending()} onChange={(e) => void home.run({ input: { gridId: e.currentTarget.value || null } })}>
              <option value="" selected={!(v().volunteer?.homeGrid?.id ?? "")}>{tr("未设置", "Not set")}</option>
              <For each={v().stations}>{(s) => <optgroup label={s.name}><For each={s.grids.edges}>{(g) => <option value={g.node.id} selected={g.node.id === (v().volunteer?.homeGrid?.id ?? "")}>{g.node.name}</option>}</For></optgroup>}</For>
            </select>
            <h2>{tr("日历订阅", "Calendar feed")}</h2>
            <Show when={v().calendarFeedUrl}>
              <p class="muted">{tr("把这个地址添加到手机日历，即可看到已认领和候补的班次。地址请勿外传。", "Add this address to your phone's calendar to see your shifts. Keep it private.")}</p>
              <div class="row">
                <label class="sr-only" for="feed-url">{tr("订阅地址", "Feed URL")}</label>
                <input id="feed-url" class="grow" readonly value={absolute(v().calendarFeedUrl!)} />
                <button type="button" onClick={() => void navigator.clipboard?.writeText(absolute(v().calendarFeedUrl!)).then(() => toast.success(tr("已复制", "Copied")))}>{tr("复制", "Copy")}</button>
                <button type="button" disabled={reset.pending()} onClick={() => void resetFeed()}>{tr("重置地址", "New address")}</button>
              </div>
            </Show>
          </Show>
        </>
      )}
    </QueryView>
  );
}

export default function Inbox() {
  const [tab, setTab] = createSignal<"inbox" | "settings">("inbox");
  return (
    <section>
      <h1>{tr("消息", "Inbox")}</h1>
      <Tabs label={tr("消息", "Inbox")} tabs={[{ key: "inbox", label: tr("消息", "Messages") }, { key: "settings", label: tr("提醒设置", "Settings") }]} value={tab()} onChange={setTab}>
        <Show when={tab() === "inbox"} fallback={<Settings />}>
          <Notices />
        </Show>
      </Tabs>
    </section>
  );
}
