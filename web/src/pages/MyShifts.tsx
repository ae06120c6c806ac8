// 我的班次: claimed shifts (check in by 扫码, post code or GPS, check out) and a 历史 tab of past ones.
// The post's QR code links here with ?shift=…&code=…: the code is filled in on that shift's card.
import { A, useLocation, useSearchParams } from "@solidjs/router";
import { createQuery, createSubscription } from "@urql/solid";
import { createSignal, For, onCleanup, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { Tabs } from "../components/Tabs";
import { HomeWatchVisitLog } from "../components/HomeWatchVisitLog";
import { ForById } from "../components/ForById";
import { QrScanner } from "../components/QrScanner";
import { QueryView } from "../components/QueryView";
import { toast } from "../components/Toast";
import { CheckInDocument, CheckOutDocument, MyShiftHistoryDocument, NotificationReceivedDocument, MyShiftsDocument, type MyShiftsQuery } from "../gql/graphql";
import { token } from "../lib/auth";
import { geolocate as geolocateWith } from "../lib/geo";
import { dotted, tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { parsePostQr } from "../lib/postQr";
import { formatSpan, formatTime } from "../lib/time";

type Claim = NonNullable<MyShiftsQuery["viewer"]>["myShifts"]["edges"][number]["node"];

const hours = (minutes: number | null | undefined) => Math.round(((minutes ?? 0) / 60) * 10) / 10;

const geolocate = () => geolocateWith(["改用岗点码签到", "use the post code"]);

type Summary = { title: string; minutes: number; points: number };

/** The closure of a patrol: what it counted for, and where it is kept. */
function DoneSummary(props: { summary: Summary; onHistory: () => void }) {
  return (
    <article class="card done-summary" role="status" data-testid="checkout-summary">
      <h2>{tr("本次巡逻已完成", "Patrol done")}</h2>
      <p>{props.summary.title}</p>
      <p class="big-figures">
        <span><strong>{hours(props.summary.minutes)}</strong> {tr("小时", "h")}</span>
        <span><strong>+{props.summary.points}</strong> {tr("积分", "points")}</span>
      </p>
      <p class="muted">{tr("谢谢你守护邻里！这次班次已记入“历史”。", "Thank you! This shift is now under History.")}</p>
      <button type="button" onClick={() => props.onHistory()}>{tr("查看历史", "See history")}</button>
    </article>
  );
}

// The open scanner (one camera, so one card) and the codes typed outlive a card: whatever draws the
// page anew while the volunteer stands at the post (a reload of the list or the session after a notice
// or a reconnect) must not close the camera or drop the code. Dropped when the volunteer leaves /my
// or signs out.
const [scanningClaim, setScanningClaim] = createSignal<string | null>(null);
const typedCodes = new Map<string, string>();

function ClaimCard(props: { claim: Claim; refetch: () => void; onDone: (s: Summary | null) => void }) {
  const c = () => props.claim;
  const [params] = useSearchParams();
  const linked = () => (params.shift === c().shift.id && typeof params.code === "string" ? params.code : "");
  const [code, setCodeSignal] = createSignal(typedCodes.get(c().id) ?? linked());
  const setCode = (v: string) => {
    typedCodes.set(c().id, v);
    setCodeSignal(v);
  };
  const scanning = () => scanningClaim() === c().id;
  const setScanning = (on: boolean) => setScanningClaim(on ? c().id : null);
  const checkIn = createAction(CheckInDocument, {
    pick: (d) => d.checkIn,
    success: () => tr("签到成功", "Checked in"),
    onSuccess: () => {
      typedCodes.delete(c().id);
      props.refetch();
    },
  });
  const checkOut = createAction(CheckOutDocument, {
    pick: (d) => d.checkOut,
    success: () => tr("签退成功", "Checked out"),
    onSuccess: (p) => {
      props.onDone(p.claim ? { title: c().shift.title, minutes: p.claim.minutesServed ?? 0, points: p.claim.pointsEarned ?? 0 } : null);
      props.refetch();
    },
  });
  const pending = () => checkIn.pending() || checkOut.pending();
  return (
    <article class="card" data-testid="my-claim">
      <div class="spread">
        {/* The shift's page: its briefing, who else goes, and 取消认领. */}
        <A href={`/shifts/${encodeURIComponent(c().shift.id)}`} class="card-title"><strong>{c().shift.title}</strong></A>
        <Badge enum="ClaimStatus" value={c().status} />
      </div>
      <div>{dotted(formatSpan(c().shift.startsAt, c().shift.endsAt), c().shift.grid?.name || c().shift.place, c().shift.team.name)}</div>
      <Show when={c().shift.postCode}>
        <div data-testid="my-post-code">{tr("岗点码", "Post code")}: <strong class="post-code">{c().shift.postCode}</strong></div>
      </Show>
      <Show when={c().status === "WAITLISTED"}>
        <p class="muted">{tr(`候补第 ${c().waitlistPosition} 位，有空位时自动转正并通知你`, `Waitlist #${c().waitlistPosition}: you get the seat automatically when one frees`)}</p>
      </Show>
      <Show when={c().checkedInAt}>
        <p>
          {tr("已签到", "Checked in")} {formatTime(c().checkedInAt!)}
          <Show when={c().checkInFlagged}> <Badge text={tr("定位偏远", "Far from grid")} tone="warn" /></Show>
        </p>
      </Show>
      <Show when={c().status === "CONFIRMED" && !c().checkedInAt}>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (code().trim()) void checkIn.run({ input: { claimId: c().id, method: "QR", code: code().trim() } });
          }}
        >
          <button type="button" class="primary" disabled={pending()} aria-expanded={scanning() ? "true" : "false"} onClick={() => setScanning(!scanning())}>
            {tr("扫码签到", "Scan to check in")}
          </button>
          <label class="sr-only" for={`code-${c().id}`}>{tr("岗点码", "Post code")}</label>
          <input id={`code-${c().id}`} class="code-input" inputmode="numeric" autocomplete="off" placeholder={tr("输入岗点码", "Post code")} value={code()} onInput={(e) => setCode(e.currentTarget.value)} />
          <button class="primary" type="submit" disabled={pending() || !code().trim()}>{tr("岗点码签到", "Check in with code")}</button>
          <button
            type="button"
            disabled={pending()}
            onClick={async () => {
              try {
                const pos = await geolocate();
                await checkIn.run({ input: { claimId: c().id, method: "GPS", ...pos } });
              } catch (e) {
                toast.error((e as Error).message);
              }
            }}
          >
            {tr("定位签到", "GPS check-in")}
          </button>
        </form>
        <Show when={scanning()}>
          <QrScanner
            accept={(text) => {
              const qr = parsePostQr(text);
              return !!qr && (!qr.shiftId || qr.shiftId === c().shift.id);
            }}
            rejected={tr("这不是本班次的岗点二维码", "That QR code is not this shift's post")}
            onResult={(text) => {
              setScanning(false);
              const qr = parsePostQr(text)!;
              setCode(qr.code);
              void checkIn.run({ input: { claimId: c().id, method: "QR", code: qr.code } });
            }}
            onClose={() => setScanning(false)}
          />
        </Show>
        <Show when={linked() && code() === linked()}>
          <p class="muted" role="status">{tr("已从岗点二维码读取岗点码，点“岗点码签到”即可签到", "The post code was read from the QR code: tap “Check in with code”")}</p>
        </Show>
      </Show>
      <Show when={c().checkedInAt && !c().checkedOutAt}>
        <button class="primary" disabled={pending()} onClick={() => void checkOut.run({ input: { claimId: c().id, method: "QR" } })}>
          {tr("签退", "Check out")}
        </button>
      </Show>
      <Show when={c().shift.kind === "HOME_WATCH" && c().status !== "WAITLISTED"}>
        <HomeWatchVisitLog shiftId={c().shift.id} />
      </Show>
    </article>
  );
}

const CLAIM_KINDS = new Set(["WAITLIST_PROMOTED", "SHIFT_CANCELLED", "SHIFT_CHANGED", "SHIFT_ASSIGNED", "SHIFT_REMOVED"]);

function Upcoming(props: { onDone: (s: Summary | null) => void }) {
  const [q, refetch] = createQuery({ query: MyShiftsDocument, requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  // A change to a claim made by someone else (候补转正, cancellation …) arrives as a notification: the
  // header shows it; the list reloads.
  createSubscription({ query: NotificationReceivedDocument }, (_prev: unknown, data) => {
    if (CLAIM_KINDS.has(data.notificationReceived.kind)) again();
    return data;
  });
  return (
    <QueryView
      query={q}
      select={(d) => d.viewer?.myShifts.edges ?? null}
      retry={again}
      isEmpty={(e) => !e.length}
      empty={<p class="muted">{tr("还没有认领班次，去班次页看看吧", "No claimed shifts yet: see the shift board")} <a href="/shifts">{tr("去认领", "Find a shift")}</a></p>}
    >
      {/* Kept by id: the list reloads on notices and reconnects; an open scanner or a typed code stays. */}
      {(edges) => <ForById each={edges().map((e) => e.node)}>{(claim) => <ClaimCard claim={claim()} refetch={again} onDone={props.onDone} />}</ForById>}
    </QueryView>
  );
}

function History() {
  const [q, refetch] = createQuery({ query: MyShiftHistoryDocument, variables: { after: null }, requestPolicy: "cache-and-network" });
  // Past or finished claims only: the upcoming ones are on the other tab.
  const past = (d: NonNullable<typeof q.data>) => d.viewer?.history.edges.filter((e) => e.node.status !== "CONFIRMED" && e.node.status !== "WAITLISTED") ?? null;
  return (
    <QueryView query={q} select={past} retry={() => refetch({ requestPolicy: "network-only" })} isEmpty={(e) => !e.length} empty={<p class="muted">{tr("还没有完成的班次", "No finished shifts yet")}</p>}>
      {(edges) => (
        <>
          <p class="muted" data-testid="history-total">
            {tr("累计服务", "Served in total")} {hours(edges().reduce((n, e) => n + (e.node.minutesServed ?? 0), 0))} {tr("小时", "h")} · {edges().filter((e) => e.node.status === "COMPLETED").length} {tr("次班次", "shifts")}
          </p>
          <For each={edges()}>
            {(e) => (
              <article class="card" data-testid="history-claim">
                <div class="spread">
                  <strong>{e.node.shift.title}</strong>
                  <Badge enum="ClaimStatus" value={e.node.status} />
                </div>
                <div>{dotted(formatSpan(e.node.shift.startsAt, e.node.shift.endsAt), e.node.shift.grid?.name || e.node.shift.place)}</div>
                <Show when={e.node.minutesServed}>
                  <div class="muted">
                    {tr("服务", "Served")} {hours(e.node.minutesServed)} {tr("小时", "h")} · {label("ShiftKind", e.node.shift.kind)}
                    <Show when={e.node.pointsEarned}> · +{e.node.pointsEarned} {tr("积分", "points")}</Show>
                  </div>
                </Show>
              </article>
            )}
          </For>
        </>
      )}
    </QueryView>
  );
}

export default function MyShifts() {
  const location = useLocation();
  const here = location.pathname;
  const held = token();
  // Signing out redraws the pages on this URL before /login: the next person must not find them.
  onCleanup(() => {
    if (location.pathname !== here || token() !== held) {
      setScanningClaim(null);
      typedCodes.clear();
    }
  });
  const [tab, setTabSignal] = createSignal<"upcoming" | "history">("upcoming");
  // Turning to 历史 is the volunteer's own choice to stop scanning: the camera is not opened again on return.
  const setTab = (t: "upcoming" | "history") => {
    if (t !== "upcoming") setScanningClaim(null);
    setTabSignal(t);
  };
  const [done, setDone] = createSignal<Summary | null>(null);
  return (
    <section>
      <h1>{tr("我的班次", "My shifts")}</h1>
      <Show when={done()}>
        {(d) => <DoneSummary summary={d()} onHistory={() => (setDone(null), setTab("history"))} />}
      </Show>
      <Tabs label={tr("我的班次", "My shifts")} tabs={[{ key: "upcoming", label: tr("待参加", "Upcoming") }, { key: "history", label: tr("历史", "History") }]} value={tab()} onChange={setTab}>
        <Show when={tab() === "upcoming"} fallback={<History />}>
          <Upcoming onDone={setDone} />
        </Show>
      </Tabs>
    </section>
  );
}
