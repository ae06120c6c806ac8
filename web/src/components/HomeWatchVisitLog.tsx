// 长假照看 on a HOME_WATCH shift: the home (address and contact only for those on the visit), the visits
// logged so far, and logging this one: all fine or a problem (the officer is told at once), a photo.
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { HomeWatchShiftDocument, LogHomeWatchVisitDocument, type HomeWatchResult } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { createAction, createRequestKey } from "../lib/mutation";
import { formatDate, formatDateTime } from "../lib/time";
import { Badge } from "./Badge";
import { Field, Form, FormErrors, Submit } from "./Field";
import { PhotoPicker, PhotoStrip, problemOn } from "./PhotoPicker";

export function HomeWatchVisitLog(props: { shiftId: string }) {
  const [q, refetch] = createQuery({ query: HomeWatchShiftDocument, variables: () => ({ id: props.shiftId }), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const shift = () => (q.data?.node?.__typename === "Shift" ? q.data.node : null);
  const form = createFormState();
  const [result, setResult] = createSignal<HomeWatchResult>("ALL_FINE");
  const [note, setNote] = createSignal("");
  const [photos, setPhotos] = createSignal<File[]>([]);
  // One key per visit as filled in: 记录照看 again after a lost answer logs it once; a change (or a success) makes a new one.
  const [logged, setLogged] = createSignal(0);
  const requestId = createRequestKey(() => [props.shiftId, result(), note(), photos(), logged()]);
  const log = createAction(LogHomeWatchVisitDocument, {
    pick: (d) => d.logHomeWatchVisit,
    form,
    success: () => (result() === "PROBLEM" ? tr("已记录，民警已收到通知", "Logged; the officer has been told") : tr("已记录照看", "Visit logged")),
    onSuccess: () => (setNote(""), setPhotos([]), setResult("ALL_FINE"), setLogged(logged() + 1), again()),
  });
  return (
    <Show when={shift()?.homeWatch}>
      {(h) => (
        <div class="home-watch" data-testid="home-watch-log">
          <Show when={h().viewerSeesDetails} fallback={<p class="muted">{tr("认领后可见照看地址和联系方式", "The address shows once you are on this visit")}</p>}>
            <div class="notice">
              <div><strong>{tr("照看地址：", "Address: ")}</strong>{h().address}</div>
              <div class="muted">
                {h().name} {h().phone}
                <Show when={h().contactWhileAway}> · {tr("离家期间：", "While away: ")}{h().contactWhileAway}</Show>
              </div>
              <Show when={h().notes}><div class="muted pre">{h().notes}</div></Show>
              <div class="muted">{tr("离家", "Away")} {formatDate(h().awayFrom)} — {formatDate(h().awayTo)}</div>
            </div>
          </Show>
          <Show when={shift()!.homeWatchVisits?.length}>
            <ul class="plain visits">
              <For each={shift()!.homeWatchVisits!}>
                {(v) => (
                  <li data-testid="visit">
                    {formatDateTime(v.visitedAt)} <Badge enum="HomeWatchResult" value={v.result} /> {v.visitorName}
                    <Show when={v.note}> · {v.note}</Show>
                    <PhotoStrip photos={v.photos} label={tr("照看照片", "Visit photos")} />
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={shift()!.viewerCanLogVisit}>
            <Form form={form} class="plain-form" label={tr("记录照看", "Log the visit")} testId="visit-form" onSubmit={() => log.run({ input: { shiftId: props.shiftId, result: result(), note: note().trim() || null, photo: photos()[0] ?? null, requestId: requestId() } })}>
              <fieldset class="plain-fieldset row">
                <legend>{tr("照看情况", "How was it")}</legend>
                <label class="check"><input type="radio" name={`result-${props.shiftId}`} checked={result() === "ALL_FINE"} onChange={() => setResult("ALL_FINE")} /> <span>{tr("一切正常", "All fine")}</span></label>
                <label class="check"><input type="radio" name={`result-${props.shiftId}`} checked={result() === "PROBLEM"} onChange={() => setResult("PROBLEM")} /> <span>{tr("发现问题", "A problem")}</span></label>
              </fieldset>
              <Field name="note" label={result() === "PROBLEM" ? tr("发现的问题", "The problem") : tr("备注", "Note")} required={result() === "PROBLEM"}>
                {(a) => <textarea {...a} maxLength={1000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />}
              </Field>
              <Field name="photo" label={tr("照片", "Photo")}>
                {(a) => <PhotoPicker {...a} max={1} files={photos()} onChange={setPhotos} onProblem={problemOn(form, "photo")} />}
              </Field>
              <FormErrors />
              <Submit pending={log.pending()}>{tr("记录照看", "Log visit")}</Submit>
            </Form>
          </Show>
        </div>
      )}
    </Show>
  );
}
