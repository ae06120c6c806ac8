// 调解案件: parties (in full only for the case's mediators and officers), sessions with notes, and the
// outcome with the agreement text.
import { useParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { DateTimeInput } from "../components/DateTimeInput";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { CloseMediationCaseDocument, MediationCasePageDocument, RecordMediationSessionDocument, type MediationOutcome } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { formatDate, formatDateTime, fromLocalInput, toLocalInput } from "../lib/time";
import { CasePage } from "./Cases";
import { TableWrap } from "../components/TableWrap";

function SessionForm(props: { caseId: string; done: () => void }) {
  const form = createFormState();
  const now = () => {
    const d = new Date();
    d.setMinutes(Math.floor(d.getMinutes() / 15) * 15, 0, 0);
    return toLocalInput(d);
  };
  const [heldAt, setHeldAt] = createSignal(now());
  const [place, setPlace] = createSignal("警民联调工作室");
  const [notes, setNotes] = createSignal("");
  const record = createAction(RecordMediationSessionDocument, { pick: (d) => d.recordMediationSession, form, success: () => tr("已记录", "Session recorded"), onSuccess: () => (setNotes(""), props.done()) });
  return (
    <Form form={form} label={tr("记录调解", "Record a session")} onSubmit={() => record.run({ input: { caseId: props.caseId, heldAt: fromLocalInput(heldAt()).toISOString(), place: place().trim() || null, notes: notes().trim() } })}>
      <div class="grid2">
        <Field name="heldAt" label={tr("调解时间", "When")} required>
          {(a) => <DateTimeInput {...a} value={heldAt()} onChange={setHeldAt} timeLabel={tr("时刻", "Time")} />}
        </Field>
        <Field name="place" label={tr("地点", "Place")}>{(a) => <input {...a} maxLength={60} value={place()} onInput={(e) => setPlace(e.currentTarget.value)} />}</Field>
      </div>
      <Field name="notes" label={tr("调解记录", "Notes")} required>
        {(a) => <textarea {...a} maxLength={4000} value={notes()} onInput={(e) => setNotes(e.currentTarget.value)} />}
      </Field>
      <FormErrors />
      <Submit pending={record.pending()}>{tr("保存记录", "Save")}</Submit>
    </Form>
  );
}

function CloseForm(props: { caseId: string; done: () => void }) {
  const form = createFormState();
  const [outcome, setOutcome] = createSignal<MediationOutcome>("SETTLED");
  const [agreement, setAgreement] = createSignal("");
  const [referredTo, setReferredTo] = createSignal("");
  const needsAgreement = () => outcome() === "SETTLED" || outcome() === "JUDICIAL_CONFIRMATION";
  const close = createAction(CloseMediationCaseDocument, { pick: (d) => d.closeMediationCase, form, success: () => tr("已结案", "Case closed"), onSuccess: props.done });
  return (
    <Form
      form={form}
      label={tr("结案", "Close the case")}
      testId="close-case"
      onSubmit={() =>
        close.run({
          input: {
            caseId: props.caseId,
            outcome: outcome(),
            agreementText: needsAgreement() ? agreement().trim() : null,
            referredTo: outcome() === "REFERRED" ? referredTo().trim() : null,
          },
        })
      }
    >
      <Field name="outcome" label={tr("调解结果", "Outcome")}>
        {(a) => (
          <select {...a} value={outcome()} onChange={(e) => setOutcome(e.currentTarget.value as MediationOutcome)}>
            <For each={values("MediationOutcome")}>{(v) => <option value={v} selected={v === outcome()}>{label("MediationOutcome", v)}</option>}</For>
          </select>
        )}
      </Field>
      <Show when={needsAgreement()}>
        <Field name="agreementText" label={tr("调解协议内容", "Agreement text")} required>
          {(a) => <textarea {...a} maxLength={8000} value={agreement()} onInput={(e) => setAgreement(e.currentTarget.value)} />}
        </Field>
      </Show>
      <Show when={outcome() === "REFERRED"}>
        <Field name="referredTo" label={tr("移交部门", "Referred to")} required>
          {(a) => <input {...a} maxLength={80} value={referredTo()} onInput={(e) => setReferredTo(e.currentTarget.value)} />}
        </Field>
      </Show>
      <FormErrors />
      <Submit pending={close.pending()}>{tr("结案", "Close case")}</Submit>
    </Form>
  );
}

export default function MediationCase() {
  const params = useParams();
  const [q, refetch] = createQuery({ query: MediationCasePageDocument, variables: () => ({ id: decodeURIComponent(params.id!) }), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  return (
    <CasePage title={tr("调解案件", "Mediation case")}>
      <QueryView
        query={q}
        select={(d) => (d.node?.__typename === "MediationCase" ? d.node : null)}
        retry={again}
        notFound={<p class="muted" role="status">{tr("没有找到这个案件，或你无权查看", "No such case, or not yours to see")}</p>}
      >
        {(c) => (
          <>
            <div class="card">
              <div class="spread">
                <strong>{label("MediationField", c().category)}</strong>
                <Badge enum={c().outcome ? "MediationOutcome" : "MediationStatus"} value={c().outcome ?? c().status} />
              </div>
              <Show when={c().erasedAt} fallback={<p class="pre">{c().summary}</p>}>
                <p class="muted" data-testid="erased">
                  {tr(`当事人信息、案情和调解记录已于${formatDate(c().erasedAt!)}按保留期限删除`, `The parties' details, the summary and the session notes were erased on ${formatDate(c().erasedAt!)} after the retention period`)}
                </p>
              </Show>
              <div class="muted">
                {tr("来源", "Source")} {label("MediationSource", c().source)} · {tr("受理", "Opened")} {formatDate(c().openedAt)} · {tr(`${c().ageDays}天`, `${c().ageDays} days`)}
                <Show when={c().closedAt}> · {tr("结案", "Closed")} {formatDate(c().closedAt!)}</Show>
              </div>
              <div>{tr("调解员：", "Mediators: ")}{c().mediators.map((m) => `${m.displayName}${m.title ? `（${m.title}）` : ""}`).join("、")}</div>
            </div>
            <Show when={c().agreementText}>
              <div class="notice" data-testid="agreement">
                <strong>{tr("调解协议", "Agreement")}</strong>
                <p class="pre">{c().agreementText}</p>
              </div>
            </Show>
            <Show when={c().referredTo}>
              <div class="notice">{tr("移交：", "Referred to: ")}{c().referredTo}</div>
            </Show>
            <h2>{tr("当事人", "Parties")}</h2>
            <TableWrap class="card" label={tr("当事人", "Parties")}>
              <table>
                <thead><tr><th scope="col">{tr("身份", "Role")}</th><th scope="col">{tr("姓名", "Name")}</th><th scope="col">{tr("电话", "Phone")}</th></tr></thead>
                <tbody>
                  <For each={c().parties}>{(p) => <tr><td>{label("MediationPartyRole", p.role)}</td><td>{c().erasedAt ? tr("已删除", "Erased") : p.name}</td><td>{p.phone}</td></tr>}</For>
                </tbody>
              </table>
            </TableWrap>
            <h2>{tr("调解记录", "Sessions")}</h2>
            <For each={c().sessions} fallback={<p class="muted">{tr("还没有调解记录", "No sessions yet")}</p>}>
              {(s) => (
                <div class="card" data-testid="session">
                  <div class="muted">{formatDateTime(s.heldAt)}<Show when={s.place}> · {s.place}</Show> · {s.recordedByName}</div>
                  <p class="pre">{s.notes}</p>
                </div>
              )}
            </For>
            <Show when={c().viewerCanWork}>
              <h2>{tr("记录调解", "Record a session")}</h2>
              <SessionForm caseId={c().id} done={again} />
              <h2>{tr("结案", "Close the case")}</h2>
              <CloseForm caseId={c().id} done={again} />
            </Show>
          </>
        )}
      </QueryView>
    </CasePage>
  );
}
