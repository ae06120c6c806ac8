// 派出所设置 (officers): the duty phone volunteers see on a shift, the GPS check-in radius, shift
// reminders, the SMS budget, whether leaders may start call-ups and how long mediation parties' data is kept.
import { createQuery } from "@urql/solid";
import { createSignal, Show } from "solid-js";
import { Checkbox } from "../components/Checkbox";
import { confirmDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { StationSettingsDocument, UpdateStationSettingsDocument, type StationSettingsQuery } from "../gql/graphql";
import { createFormState, wholeNumbers } from "../lib/form";
import { tr } from "../lib/i18n";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";

type Station = Extract<NonNullable<StationSettingsQuery["node"]>, { __typename: "Station" }>;

function SettingsForm(props: { station: Station }) {
  const st = props.station;
  // Text as typed: a refused value stays in its field beside the error.
  const [f, setF] = createSignal({
    dutyPhone: st.dutyPhone,
    checkInRadiusMeters: String(st.checkInRadiusMeters),
    reminderHoursBefore: String(st.reminderHoursBefore),
    smsDailyBudget: String(st.smsDailyBudget),
    leadersMayMobilize: st.leadersMayMobilize,
    mediationRetentionDays: String(st.mediationRetentionDays),
  });
  const set = (p: Partial<ReturnType<typeof f>>) => setF({ ...f(), ...p });
  const form = createFormState();
  const save = createAction(UpdateStationSettingsDocument, { pick: (d) => d.updateStationSettings, form, success: () => tr("设置已保存", "Settings saved") });
  const submit = async () => {
    const v = f();
    const n = wholeNumbers(form, { checkInRadiusMeters: v.checkInRadiusMeters, reminderHoursBefore: v.reminderHoursBefore, smsDailyBudget: v.smsDailyBudget, mediationRetentionDays: v.mediationRetentionDays });
    if (!n) return;
    // A shorter retention erases older closed cases' parties within a minute, for good: a typo (30 for 300) must
    // not do that unasked. A value the API refuses (under 30) is not asked about.
    const days = n.mediationRetentionDays;
    if (days != null && days >= 30 && days < props.station.mediationRetentionDays) {
      const ok = await confirmDialog({
        title: tr(`缩短为${days}天？`, `Shorten to ${days} days?`),
        message: tr(
          `结案超过${days}天的调解案件，其当事人姓名、电话和案情记录将在一分钟内永久删除，无法恢复。`,
          `Cases closed more than ${days} days ago lose their parties' names, phones and case notes within a minute, for good.`,
        ),
        confirm: tr("缩短并删除", "Shorten and erase"),
        danger: true,
      });
      if (!ok) return;
    }
    const phone = v.dutyPhone.trim();
    return save.run({
      input: {
        stationId: st.id,
        // An emptied phone is sent as typed so that the API refuses it (a station keeps a duty phone once it has one).
        dutyPhone: phone || (st.dutyPhone ? "" : null),
        ...n,
        leadersMayMobilize: v.leadersMayMobilize,
      },
    });
  };
  return (
    <Form form={form} label={tr("派出所设置", "Station settings")} testId="station-settings" onSubmit={submit}>
      <Field name="dutyPhone" label={tr("值班电话", "Duty phone")} required={!!st.dutyPhone} hint={tr("队长未公开手机号时，队员在班次页看到的联系电话", "Shown on a shift when its leader's phone is not shared")}>
        {(a) => <input {...a} type="tel" inputmode="tel" autocomplete="off" maxLength={20} value={f().dutyPhone} onInput={(e) => set({ dutyPhone: e.currentTarget.value })} />}
      </Field>
      <div class="grid2">
        <Field name="checkInRadiusMeters" label={tr("定位签到范围（米）", "GPS check-in radius (m)")} hint={tr("50–5000；超出范围的签到会被标记", "50–5000; check-ins farther away are flagged")}>
          {(a) => <input {...a} inputmode="numeric" maxLength={6} value={f().checkInRadiusMeters} onInput={(e) => set({ checkInRadiusMeters: e.currentTarget.value })} />}
        </Field>
        <Field name="reminderHoursBefore" label={tr("班次提醒（开始前几小时）", "Shift reminder (hours before)")} hint={tr("0 为不提醒，最多 72", "0 turns reminders off; at most 72")}>
          {(a) => <input {...a} inputmode="numeric" maxLength={3} value={f().reminderHoursBefore} onInput={(e) => set({ reminderHoursBefore: e.currentTarget.value })} />}
        </Field>
        <Field name="smsDailyBudget" label={tr("每日短信上限（条）", "SMS per day at most")} hint={tr("0–100000；超出后只发应用内消息", "0–100000; beyond it, in-app notices only")}>
          {(a) => <input {...a} inputmode="numeric" maxLength={6} value={f().smsDailyBudget} onInput={(e) => set({ smsDailyBudget: e.currentTarget.value })} />}
        </Field>
        <Field name="mediationRetentionDays" label={tr("调解当事人信息保留（结案后天数）", "Mediation parties' data kept (days after closing)")} hint={tr("30–1095；到期后删除当事人姓名、电话和案情记录，结果和统计保留", "30–1095; then the parties' names, phones and the case notes are erased, outcomes and statistics stay")}>
          {(a) => <input {...a} inputmode="numeric" maxLength={4} value={f().mediationRetentionDays} onInput={(e) => set({ mediationRetentionDays: e.currentTarget.value })} />}
        </Field>
      </div>
      <div data-field="leadersMayMobilize">
        <Checkbox checked={f().leadersMayMobilize} onChange={(on) => set({ leadersMayMobilize: on })}>
          {tr("队长和小队长也可以发起一键召集", "Team and squad leaders may start call-ups too")}
        </Checkbox>
      </div>
      <FormErrors />
      <p><Submit pending={save.pending()}>{tr("保存设置", "Save settings")}</Submit></p>
    </Form>
  );
}

export default function Settings() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: StationSettingsDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  return (
    <section>
      <h1>{tr("派出所设置", "Station settings")}</h1>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Station" ? d.node : null)} retry={again}>
        {(st) => (
          <Show when={st().viewerIsOfficer} fallback={<p class="muted" role="status">{tr("仅本所民警可修改设置", "Only the station's officers change its settings")}</p>}>
            <p class="muted">{st().name}</p>
            {/* Keyed on the station: switching stations starts from that station's values. */}
            <Show when={st().id} keyed>
              {(_id: string) => <SettingsForm station={st()} />}
            </Show>
          </Show>
        )}
      </QueryView>
    </section>
  );
}
