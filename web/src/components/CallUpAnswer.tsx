// 一键召集 on the volunteer's phone: accept (with an ETA) or decline in one tap.
import { createSignal, Show } from "solid-js";
import { RespondToMobilizationDocument, type MobilizationResponse } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createAction } from "../lib/mutation";

export function CallUpAnswer(props: { mobilizationId: string; current?: MobilizationResponse | null; closed?: boolean; onAnswered?: () => void }) {
  // The answer given here, else the one known (it may arrive after the first render).
  const [given, setAnswer] = createSignal<MobilizationResponse | null>(null);
  const answer = () => given() ?? props.current ?? null;
  const [eta, setEta] = createSignal(15);
  const respond = createAction(RespondToMobilizationDocument, {
    pick: (d) => d.respondToMobilization,
    success: (p) => (p.responder?.response === "ACCEPTED" ? tr("已回复：前往，请注意安全", "Answered: on my way") : tr("已回复：无法前往", "Answered: can't come")),
    onSuccess: (p) => {
      setAnswer(p.responder?.response ?? null);
      props.onAnswered?.();
    },
  });
  const send = (response: "ACCEPT" | "DECLINE") => void respond.run({ input: { mobilizationId: props.mobilizationId, response, etaMinutes: response === "ACCEPT" ? eta() : null } });
  return (
    <Show when={!props.closed} fallback={<p class="muted">{tr("召集已结束", "This call-up is closed")}</p>}>
      <Show when={answer() && answer() !== "PENDING"}>
        <p role="status"><strong>{tr("你的回复", "Your answer")}：{label("MobilizationResponse", answer())}</strong> <span class="muted">{tr("（可更改）", "(you can change it)")}</span></p>
      </Show>
      <div class="row">
        <label for={`eta-${props.mobilizationId}`}>{tr("预计到达（分钟）", "ETA (minutes)")}</label>
        <select id={`eta-${props.mobilizationId}`} value={eta()} onChange={(e) => setEta(Number(e.currentTarget.value))}>
          {[5, 10, 15, 20, 30, 45, 60].map((m) => <option value={m} selected={m === eta()}>{m}</option>)}
        </select>
      </div>
      <div class="answer">
        <button type="button" class="accept" disabled={respond.pending()} onClick={() => send("ACCEPT")} data-testid="accept">{tr("我能去", "I'm coming")}</button>
        <button type="button" class="decline" disabled={respond.pending()} onClick={() => send("DECLINE")} data-testid="decline">{tr("去不了", "Can't come")}</button>
      </div>
    </Show>
  );
}
