// 修改班次 on the shift's page (officers, the team's leaders, the squad's leader): only what was changed
// is sent, so that "this and the later ones" of a series keeps each later shift's own values elsewhere
// (times move by the same amount).
import { createQuery } from "@urql/solid";
import { createSignal, For, onMount, Show } from "solid-js";
import { DateTimeInput } from "../components/DateTimeInput";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { StationTeamsDocument, UpdateShiftDocument, type ApplyTo, type ShiftDetailQuery, type Specialty, type UpdateShiftInput } from "../gql/graphql";
import { createFormState, wholeNumbers } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatDateTime, fromLocalInput, toLocalInput } from "../lib/time";

type Detail = Extract<NonNullable<ShiftDetailQuery["node"]>, { __typename: "Shift" }>;

/** Series choice for editing and cancelling: this shift, or it and the later ones. */
function ApplyToChoice(props: { value: ApplyTo; onChange: (v: ApplyTo) => void; verb: string }) {
  return (
    <fieldset class="plain-fieldset" data-field="applyTo">
      <legend>{tr("这是每周重复的班次", "This shift repeats weekly")}</legend>
      <div class="segmented" role="group">
        <button type="button" aria-pressed={props.value === "THIS_SHIFT"} onClick={() => props.onChange("THIS_SHIFT")}>{tr(`只${props.verb}这一次`, `This one only`)}</button>
        <button type="button" aria-pressed={props.value === "FUTURE_SHIFTS"} onClick={() => props.onChange("FUTURE_SHIFTS")}>{tr(`${props.verb}这一次及以后`, `This and later ones`)}</button>
      </div>
    </fieldset>
  );
}

export function EditShift(props: { shift: Detail; close: () => void; done: () => void }) {
  const sh = props.shift;
  const s = useSession();
  const [teams] = createQuery({ query: StationTeamsDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId() });
  const grids = () => (teams.data?.node?.__typename === "Station" ? teams.data.node.grids.edges.map((e) => e.node) : []);
  const initial = {
    title: sh.title,
    startsAt: toLocalInput(new Date(sh.startsAt)),
    endsAt: toLocalInput(new Date(sh.endsAt)),
    capacity: String(sh.capacity),
    gridId: sh.grid?.id ?? "",
    place: sh.place,
    route: sh.route,
    requiredSpecialty: (sh.requiredSpecialty ?? "") as Specialty | "",
    notes: sh.notes,
  };
  const [f, setF] = createSignal(initial);
  const set = (p: Partial<typeof initial>) => setF({ ...f(), ...p });
  const [applyTo, setApplyTo] = createSignal<ApplyTo>("THIS_SHIFT");
  const form = createFormState();
  const update = createAction(UpdateShiftDocument, {
    pick: (d) => d.updateShift,
    form,
    success: (p) => ((p.shifts?.length ?? 0) > 1 ? tr(`已修改 ${p.shifts!.length} 个班次，已通知相关队员`, `${p.shifts!.length} shifts changed; people were told`) : tr("班次已修改", "Shift changed")),
    onSuccess: () => (props.close(), props.done()),
  });
  onMount(() => form.element?.querySelector("input")?.focus());

  const submit = () => {
    const v = f();
    const n = wholeNumbers(form, { capacity: v.capacity });
    if (!n) return;
    const input: UpdateShiftInput = { shiftId: sh.id, applyTo: applyTo() };
    if (v.title.trim() !== initial.title) input.title = v.title.trim();
    if (v.startsAt !== initial.startsAt) input.startsAt = fromLocalInput(v.startsAt).toISOString();
    if (v.endsAt !== initial.endsAt) input.endsAt = fromLocalInput(v.endsAt).toISOString();
    if (n.capacity !== sh.capacity) input.capacity = n.capacity;
    if (v.gridId !== initial.gridId) input.gridId = v.gridId || null;
    if (v.place.trim() !== initial.place) input.place = v.place.trim();
    if (v.route.trim() !== initial.route) input.route = v.route.trim();
    if (v.requiredSpecialty !== initial.requiredSpecialty) input.requiredSpecialty = v.requiredSpecialty || null;
    if (v.notes.trim() !== initial.notes) input.notes = v.notes.trim();
    if (Object.keys(input).length === 2) {
      form.setUserErrors([{ code: "VALIDATION", message: tr("没有改动", "Nothing changed") }]);
      return form.reveal();
    }
    return update.run({ input });
  };

  return (
    <Form form={form} label={tr("修改班次", "Edit the shift")} testId="edit-shift" onSubmit={submit}>
      <h2>{tr("修改班次", "Edit the shift")}</h2>
      <p class="muted">{tr("改动时间会通知已认领和候补的队员。", "Everyone on it or waiting is told when the time changes.")}</p>
      <Show when={sh.isRecurring}>
        <ApplyToChoice value={applyTo()} onChange={setApplyTo} verb={tr("修改", "change")} />
      </Show>
      <div class="grid2">
        <Field name="title" label={tr("标题", "Title")} required>{(a) => <input {...a} maxLength={80} value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} />}</Field>
        <Field name="capacity" label={tr("名额", "Seats")} required hint={tr(`已确认 ${sh.seatsTaken} 人，名额不能少于此数`, `${sh.seatsTaken} confirmed: seats cannot go below that`)}>
          {(a) => <input {...a} inputmode="numeric" maxLength={4} value={f().capacity} onInput={(e) => set({ capacity: e.currentTarget.value })} />}
        </Field>
        <Field name="startsAt" label={tr("开始", "Starts")} required hint={tr(`原为 ${formatDateTime(sh.startsAt)}`, `was ${formatDateTime(sh.startsAt)}`)}>
          {(a) => <DateTimeInput {...a} timeLabel={tr("开始时间", "Start time")} value={f().startsAt} onChange={(v) => set({ startsAt: v })} />}
        </Field>
        <Field name="endsAt" label={tr("结束", "Ends")} required hint={tr(`原为 ${formatDateTime(sh.endsAt)}`, `was ${formatDateTime(sh.endsAt)}`)}>
          {(a) => <DateTimeInput {...a} timeLabel={tr("结束时间", "End time")} value={f().endsAt} onChange={(v) => set({ endsAt: v })} />}
        </Field>
        <Field name="gridId" label={tr("网格", "Grid")}>
          {(a) => (
            <select {...a} value={f().gridId} onChange={(e) => set({ gridId: e.currentTarget.value })}>
              <option value="" selected={!f().gridId}>{tr("不限网格", "No grid")}</option>
              <For each={grids()}>{(g) => <option value={g.id} selected={g.id === f().gridId}>{g.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="requiredSpecialty" label={tr("所需专长", "Specialty needed")}>
          {(a) => (
            <select {...a} value={f().requiredSpecialty} onChange={(e) => set({ requiredSpecialty: e.currentTarget.value as Specialty | "" })}>
              <option value="" selected={!f().requiredSpecialty}>{tr("不限", "None")}</option>
              <For each={values("Specialty")}>{(x) => <option value={x} selected={x === f().requiredSpecialty}>{label("Specialty", x)}</option>}</For>
            </select>
          )}
        </Field>
      </div>
      <Field name="place" label={tr("地点", "Place")}>{(a) => <input {...a} maxLength={120} value={f().place} onInput={(e) => set({ place: e.currentTarget.value })} />}</Field>
      <Field name="route" label={tr("巡防路线", "Route")}>{(a) => <textarea {...a} rows="2" maxLength={1000} value={f().route} onInput={(e) => set({ route: e.currentTarget.value })} />}</Field>
      <Field name="notes" label={tr("任务说明", "Briefing")}>{(a) => <textarea {...a} rows="3" maxLength={2000} value={f().notes} onInput={(e) => set({ notes: e.currentTarget.value })} />}</Field>
      <FormErrors />
      <div class="row">
        <Submit pending={update.pending()}>{tr("保存修改", "Save changes")}</Submit>
        <button type="button" onClick={props.close}>{tr("取消", "Cancel")}</button>
      </div>
    </Form>
  );
}
