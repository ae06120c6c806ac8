// 长假照看 for residents (public, no account): the request form, the confirmation code, and the status
// by that code. The form says when the address and phone are erased.
import { A, useLocation, useNavigate } from "@solidjs/router";
import { createQuery, useClient } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { LangToggle } from "../components/TopBar";
import { HomeWatchAreasDocument, HomeWatchStatusDocument, PublicStationsDocument, RequestHomeWatchDocument, type HomeWatchStatusQuery } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { createAction, createRequestKey } from "../lib/mutation";
import { formatDate, fromLocalInput } from "../lib/time";

const ERASE_DAYS = 30;

function Header(props: { title: string }) {
  return (
    <div class="spread">
      <h1>{props.title}</h1>
      <LangToggle />
    </div>
  );
}

export default function HomeWatchForm() {
  const navigate = useNavigate();
  const [stations] = createQuery({ query: PublicStationsDocument });
  const [station, setStation] = createSignal("");
  const stationId = () => station() || stations.data?.publicStations.edges[0]?.node.id || "";
  const [areas] = createQuery({ query: HomeWatchAreasDocument, variables: () => ({ stationId: stationId() }), pause: () => !stationId() });
  const form = createFormState();
  const [f, setF] = createSignal({ gridId: "", name: "", phone: "", address: "", awayFrom: "", awayTo: "", contactWhileAway: "", notes: "" });
  const set = (p: Partial<ReturnType<typeof f>>) => setF({ ...f(), ...p });
  const [done, setDone] = createSignal<{ code: string; stationName: string; eraseAfter: string } | null>(null);
  // One key per request as filled in: 提交申请 again after a lost answer sends the same request, which the API answers
  // with the one already made and its code; any change to the form (or the station), or a success, makes a new one.
  const requestId = createRequestKey(() => [stationId(), f(), done()]);
  const ask = createAction(RequestHomeWatchDocument, {
    pick: (d) => d.requestHomeWatch,
    form,
    success: null,
    onSuccess: (p) => setDone({ code: p.confirmationCode!, stationName: p.status!.stationName, eraseAfter: p.status!.eraseAfter }),
  });
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  return (
    <main>
      <Header title={tr("长假照看申请", "Holiday home-watch request")} />
      <Show
        when={!done()}
        fallback={
          <div class="card" data-testid="home-watch-done">
            <p>{tr(`已提交给${done()!.stationName}，民警审批后会安排义警上门照看。`, `Sent to ${done()!.stationName}; once approved, volunteers will look in on your home.`)}</p>
            <p>{tr("你的确认码（请截图或抄下，只显示这一次）：", "Your confirmation code (save it: it is shown only once):")}</p>
            <p class="big-number seats" data-testid="confirmation-code">{done()!.code}</p>
            <p class="muted">{tr(`你的地址和电话将于 ${formatDate(done()!.eraseAfter)}（返回日期30天后）自动删除。`, `Your address and phone will be erased on ${formatDate(done()!.eraseAfter)} (30 days after your return).`)}</p>
            <button type="button" class="primary" onClick={() => navigate("/home-watch/status", { state: { code: done()!.code } })}>{tr("查看办理进度", "Check the status")}</button>
          </div>
        }
      >
        <p>{tr("长假外出期间，可申请社区义警上门照看（查看门窗、水电、信箱）。无需注册。", "Going away for a long holiday? Ask for volunteers to look in on your home (doors, windows, water, mail). No account needed.")}</p>
        <Form
          form={form}
          label={tr("长假照看申请", "Home-watch request")}
          testId="home-watch-form"
          onSubmit={() => {
            const v = f();
            if (!v.awayFrom || !v.awayTo) return form.setUserErrors([{ code: "VALIDATION", message: tr("请选择离家和返回日期", "Choose both dates"), field: ["input", v.awayFrom ? "awayTo" : "awayFrom"] }]);
            return ask.run({
              input: {
                stationId: stationId(),
                gridId: v.gridId || null,
                name: v.name.trim(),
                phone: v.phone.trim(),
                address: v.address.trim(),
                awayFrom: fromLocalInput(`${v.awayFrom}T00:00`).toISOString(),
                awayTo: fromLocalInput(`${v.awayTo}T23:59`).toISOString(),
                contactWhileAway: v.contactWhileAway.trim() || null,
                notes: v.notes.trim() || null,
                requestId: requestId(),
              },
            });
          }}
        >
          <Field name="stationId" label={tr("派出所", "Police station")} required>
            {(a) => (
              <select {...a} value={stationId()} onChange={(e) => (setStation(e.currentTarget.value), set({ gridId: "" }))}>
                <For each={stations.data?.publicStations.edges ?? []}>{(e) => <option value={e.node.id} selected={e.node.id === stationId()}>{e.node.name}</option>}</For>
              </select>
            )}
          </Field>
          <Field name="gridId" label={tr("所在社区 / 网格（不清楚可不选）", "Community / grid (optional)")}>
            {(a) => (
              <select {...a} value={f().gridId} onChange={(e) => set({ gridId: e.currentTarget.value })}>
                <option value="" selected={!f().gridId}>{tr("不清楚", "Not sure")}</option>
                <For each={areas.data?.homeWatchAreas ?? []}>{(g) => <option value={g.id} selected={g.id === f().gridId}>{g.communityName} · {g.name}</option>}</For>
              </select>
            )}
          </Field>
          <div class="grid2">
            <Field name="name" label={tr("姓名", "Name")} required>{(a) => <input {...a} autocomplete="name" maxLength={30} value={f().name} onInput={(e) => set({ name: e.currentTarget.value })} />}</Field>
            <Field name="phone" label={tr("手机号", "Mobile")} required>{(a) => <input {...a} type="tel" inputmode="numeric" autocomplete="tel" maxLength={11} value={f().phone} onInput={(e) => set({ phone: e.currentTarget.value })} />}</Field>
          </div>
          <Field name="address" label={tr("住址", "Address")} required>{(a) => <input {...a} autocomplete="street-address" maxLength={200} value={f().address} onInput={(e) => set({ address: e.currentTarget.value })} placeholder={tr("小区、楼幢、单元、门牌", "Compound, building, unit, door")} />}</Field>
          <div class="grid2">
            <Field name="awayFrom" label={tr("离家日期", "Leaving on")} required>{(a) => <input {...a} type="date" min={today} value={f().awayFrom} onInput={(e) => set({ awayFrom: e.currentTarget.value })} />}</Field>
            <Field name="awayTo" label={tr("返回日期", "Back on")} required>{(a) => <input {...a} type="date" min={f().awayFrom || today} value={f().awayTo} onInput={(e) => set({ awayTo: e.currentTarget.value })} />}</Field>
          </div>
          <Field name="contactWhileAway" label={tr("离家期间联系方式", "Contact while away")}>{(a) => <input {...a} maxLength={100} value={f().contactWhileAway} onInput={(e) => set({ contactWhileAway: e.currentTarget.value })} placeholder={tr("如：女儿 137xxxxxxxx", "e.g. daughter, phone")} />}</Field>
          <Field name="notes" label={tr("需要特别留意的", "Anything to look out for")}>{(a) => <textarea {...a} maxLength={500} value={f().notes} onInput={(e) => set({ notes: e.currentTarget.value })} />}</Field>
          <p class="notice" data-testid="privacy-notice">
            {tr(
              `你的姓名、电话和地址只给本所民警和上门照看的义警看到，并将在返回日期${ERASE_DAYS}天后自动删除；照看记录只保留日期和结果。`,
              `Your name, phone and address are seen only by the station's officers and the volunteers who visit, and are erased ${ERASE_DAYS} days after your return; only the visit dates and results are kept.`,
            )}
          </p>
          <FormErrors />
          <Submit pending={ask.pending()}>{tr("提交申请", "Send request")}</Submit>
        </Form>
        <p>
          <A href="/home-watch/status">{tr("已申请？凭确认码查看进度", "Already asked? Check the status with your code")}</A>
        </p>
      </Show>
    </main>
  );
}

type Status = NonNullable<HomeWatchStatusQuery["homeWatchStatus"]>;

export function HomeWatchStatusPage() {
  const location = useLocation<{ code?: string }>();
  const client = useClient();
  const [code, setCode] = createSignal(location.state?.code ?? "");
  const [result, setResult] = createSignal<{ data?: { status: Status | null }; error?: import("@urql/core").CombinedError; fetching: boolean } | null>(null);
  const look = async () => {
    if (!code().trim()) return;
    setResult({ fetching: true });
    const r = await client.query(HomeWatchStatusDocument, { code: code().trim() }, { requestPolicy: "network-only" }).toPromise();
    setResult({ data: r.data ? { status: r.data.homeWatchStatus ?? null } : undefined, error: r.error, fetching: false });
  };
  if (code()) void look();
  return (
    <main>
      <Header title={tr("长假照看进度", "Home-watch status")} />
      <form
        class="card"
        aria-label={tr("查询进度", "Check status")}
        onSubmit={(e) => {
          e.preventDefault();
          void look();
        }}
      >
        <label for="hw-code">{tr("确认码", "Confirmation code")}</label>
        <div class="row">
          <input id="hw-code" class="grow" autocomplete="off" autocapitalize="characters" maxLength={20} placeholder="XXXX-XXXX-XXXX" value={code()} onInput={(e) => setCode(e.currentTarget.value)} />
          <button type="submit" class="primary">{tr("查询", "Check")}</button>
        </div>
      </form>
      <Show when={result()}>
        {(r) => (
          <QueryView
            query={r()}
            select={(d) => d.status}
            retry={() => void look()}
            notFound={<p class="alert" role="alert">{tr("没有找到这个确认码，请核对后再试", "No request with this code; check it and try again")}</p>}
          >
            {(s) => (
              <div class="card" data-testid="home-watch-status">
                <div class="spread">
                  <strong>{s().stationName}</strong>
                  <Badge enum="HomeWatchStatus" value={s().status} />
                </div>
                <div>{formatDate(s().awayFrom)} — {formatDate(s().awayTo)}</div>
                <Show when={s().declineReason}><div class="alert">{tr("未能安排：", "Declined: ")}{s().declineReason}</div></Show>
                <Show when={s().status === "APPROVED"}>
                  <p class="muted">{tr(`已安排 ${s().plannedVisits.length} 次上门照看`, `${s().plannedVisits.length} visits scheduled`)}</p>
                </Show>
                <h2>{tr("照看记录", "Visits")}</h2>
                <ul class="plain" data-testid="public-visits">
                  <For each={s().visits} fallback={<li class="muted">{tr("还没有上门记录", "No visits yet")}</li>}>
                    {(v) => (
                      <li>
                        {formatDate(v.visitedAt)} <Badge enum="HomeWatchResult" value={v.result} />
                        <Show when={v.result === "PROBLEM"}> <span class="muted">{tr("民警已收到通知，会与你联系", "The officer has been told and will contact you")}</span></Show>
                      </li>
                    )}
                  </For>
                </ul>
                <p class="muted">
                  {s().erased
                    ? tr("你的姓名、电话和地址已按约定删除。", "Your name, phone and address have been erased as promised.")
                    : tr(`你的姓名、电话和地址将于 ${formatDate(s().eraseAfter)} 自动删除。`, `Your name, phone and address will be erased on ${formatDate(s().eraseAfter)}.`)}
                </p>
              </div>
            )}
          </QueryView>
        )}
      </Show>
      <p><A href="/home-watch">{tr("新的申请", "A new request")}</A></p>
    </main>
  );
}
