import { createMutation, createQuery, createSubscription } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { CheckInDocument, CheckOutDocument, ClaimNoticesDocument, MyShiftsDocument } from "../gql/graphql";
import { fmtDateTime, fmtTime, label, tr } from "../i18n";
import { Badge, ErrorBox, Loading, statusKind, UserErrors, type UserErrorLike } from "../ui";

type Claim = NonNullable<NonNullable<ReturnType<typeof useMyShifts>[0]["data"]>["viewer"]>["myShifts"]["edges"][number]["node"];
function useMyShifts() {
  return createQuery({ query: MyShiftsDocument, requestPolicy: "cache-and-network" });
}

function geolocate(): Promise<{ latitude: number; longitude: number }> {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) return reject(new Error(tr("此浏览器不支持定位，请改用岗点码", "This browser cannot locate you; use the post code")));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude }),
      (e) =>
        reject(
          new Error(
            e.code === e.PERMISSION_DENIED
              ? tr("定位权限被拒绝：请在浏览器设置中允许定位，或改用岗点码签到", "Location permission refused: allow it in the browser settings, or use the post code")
              : tr("暂时无法定位，请稍后重试或改用岗点码", "Could not get your location; retry or use the post code"),
          ),
        ),
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  });
}

function ClaimCard(props: { claim: Claim; refetch: () => void }) {
  const c = () => props.claim;
  const [code, setCode] = createSignal("");
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [message, setMessage] = createSignal<string | null>(null);
  const [inState, checkIn] = createMutation(CheckInDocument);
  const [outState, checkOut] = createMutation(CheckOutDocument);
  const done = (errs: ReadonlyArray<UserErrorLike> | undefined, ok: string) => {
    setErrors(errs ?? []);
    if (!errs?.length) {
      setMessage(ok);
      props.refetch();
    }
  };
  return (
    <article class="card" data-testid="my-claim">
      <div class="spread">
        <strong>{c().shift.title}</strong>
        <Badge value={c().status} kind={statusKind(c().status)} />
      </div>
      <div>
        {fmtDateTime(c().shift.startsAt)}–{fmtTime(c().shift.endsAt)} · {c().shift.grid?.name ?? c().shift.place} · {c().shift.team.name}
      </div>
      <Show when={c().status === "WAITLISTED"}>
        <p class="muted">{tr(`候补第 ${c().waitlistPosition} 位，有空位时自动转正并通知你`, `Waitlist #${c().waitlistPosition}: you get the seat automatically when one frees`)}</p>
      </Show>
      <Show when={c().checkedInAt}>
        <p>
          {tr("已签到", "Checked in")} {fmtTime(c().checkedInAt!)}
          <Show when={c().checkInFlagged}> <Badge value={tr("定位偏远", "Far from grid")} kind="warn" /></Show>
        </p>
      </Show>
      <Show when={c().status === "CONFIRMED" && !c().checkedInAt}>
        <div class="row">
          <label class="sr-only" for={`code-${c().id}`}>{tr("岗点码", "Post code")}</label>
          <input
            id={`code-${c().id}`}
            style={{ "max-width": "10rem" }}
            inputmode="numeric"
            placeholder={tr("输入岗点码", "Post code")}
            value={code()}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <button class="primary" disabled={inState.fetching || !code().trim()} onClick={async () => {
            const r = await checkIn({ input: { claimId: c().id, method: "QR", code: code().trim() } });
            done(r.data?.checkIn?.userErrors, tr("签到成功", "Checked in"));
          }}>
            {tr("扫码/岗点码签到", "Check in with code")}
          </button>
          <button disabled={inState.fetching} onClick={async () => {
            try {
              const pos = await geolocate();
              const r = await checkIn({ input: { claimId: c().id, method: "GPS", ...pos } });
              done(r.data?.checkIn?.userErrors, tr("定位签到成功", "Checked in by GPS"));
            } catch (e) {
              setErrors([{ code: "GPS", message: (e as Error).message }]);
            }
          }}>
            {tr("定位签到", "GPS check-in")}
          </button>
        </div>
      </Show>
      <Show when={c().checkedInAt && !c().checkedOutAt}>
        <button class="primary" disabled={outState.fetching} onClick={async () => {
          const r = await checkOut({ input: { claimId: c().id, method: "QR" } });
          done(r.data?.checkOut?.userErrors, tr("签退成功，服务时长已记录", "Checked out; hours recorded"));
        }}>
          {tr("签退", "Check out")}
        </button>
      </Show>
      <UserErrors errors={errors()} />
      <Show when={message()}>
        <div class="notice" role="status">{message()}</div>
      </Show>
    </article>
  );
}

export default function MyShifts() {
  const [q, refetch] = useMyShifts();
  const [notices] = createSubscription({ query: ClaimNoticesDocument }, (prev: string[] = [], data) => [
    ...prev,
    `${label(data.claimNotices.reason === "PROMOTED" ? "CONFIRMED" : data.claimNotices.claim.status)}: ${data.claimNotices.claim.shift.title}`,
  ]);
  return (
    <section>
      <h1>{tr("我的班次", "My shifts")}</h1>
      <For each={notices.data ?? []}>{(n) => <div class="notice" role="status">{n}</div>}</For>
      <ErrorBox error={q.error} />
      <Show when={q.data} fallback={<Loading />}>
        <Show when={q.data!.viewer?.myShifts.edges.length} fallback={<p class="muted">{tr("还没有认领班次，去班次页看看吧", "No claimed shifts yet: see the shift board")}</p>}>
          <For each={q.data!.viewer!.myShifts.edges}>{(e) => <ClaimCard claim={e.node} refetch={() => refetch({ requestPolicy: "network-only" })} />}</For>
        </Show>
      </Show>
    </section>
  );
}
