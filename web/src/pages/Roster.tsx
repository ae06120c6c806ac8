import { useParams } from "@solidjs/router";
import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { AssignShiftDocument, CancelShiftClaimDocument, CancelShiftDocument, CheckInDocument, CheckOutDocument, ShiftRosterDocument, TeamMembersDocument } from "../gql/graphql";
import { fmtDateTime, fmtTime, tr } from "../i18n";
import { Badge, ErrorBox, Loading, statusKind, UserErrors, type UserErrorLike } from "../ui";

export default function Roster() {
  const params = useParams();
  const [q, refetch] = createQuery({ query: ShiftRosterDocument, variables: () => ({ id: decodeURIComponent(params.id!) }), requestPolicy: "cache-and-network" });
  const shift = () => (q.data?.node?.__typename === "Shift" ? q.data.node : null);
  const [members] = createQuery({ query: TeamMembersDocument, variables: () => ({ teamId: shift()?.team.id ?? "" }), pause: () => !shift() });
  const people = () => (members.data?.node?.__typename === "Team" ? members.data.node.members.edges.map((e) => e.node.volunteer) : []);
  const [pick, setPick] = createSignal("");
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [, assign] = createMutation(AssignShiftDocument);
  const [, remove] = createMutation(CancelShiftClaimDocument);
  const [, checkIn] = createMutation(CheckInDocument);
  const [, checkOut] = createMutation(CheckOutDocument);
  const [, cancelShift] = createMutation(CancelShiftDocument);
  const after = (errs?: ReadonlyArray<UserErrorLike>) => {
    setErrors(errs ?? []);
    refetch({ requestPolicy: "network-only" });
  };
  return (
    <section>
      <ErrorBox error={q.error} />
      <Show when={shift()} fallback={<Loading />}>
        <h1>{shift()!.title}</h1>
        <p>
          {fmtDateTime(shift()!.startsAt)}–{fmtTime(shift()!.endsAt)} · {shift()!.grid?.name ?? shift()!.place} ·{" "}
          <span class="seats">{shift()!.seatsTaken}/{shift()!.capacity}</span> · {tr("候补", "waitlist")} {shift()!.waitlistLength}
        </p>
        <Show when={shift()!.postCode}>
          <div class="card">{tr("岗点码（打印张贴于岗点）", "Post code (print it at the post)")}: <strong class="seats" style={{ "font-size": "1.6rem" }}>{shift()!.postCode}</strong></div>
        </Show>
        <UserErrors errors={errors()} />
        <div class="card row">
          <label class="sr-only" for="assign">{tr("安排队员", "Assign a volunteer")}</label>
          <select id="assign" style={{ "max-width": "16rem" }} value={pick()} onChange={(e) => setPick(e.currentTarget.value)}>
            <option value="">{tr("选择队员…", "Choose a volunteer…")}</option>
            <For each={people()}>{(p) => <option value={p.id}>{p.displayName}</option>}</For>
          </select>
          <button disabled={!pick()} onClick={async () => after((await assign({ input: { shiftId: shift()!.id, volunteerId: pick() } })).data?.assignShift?.userErrors)}>
            {tr("安排", "Assign")}
          </button>
          <Show when={shift()!.status === "OPEN"}>
            <button onClick={async () => {
              const reason = prompt(tr("取消原因", "Reason for cancelling"));
              if (reason) after((await cancelShift({ input: { shiftId: shift()!.id, reason } })).data?.cancelShift?.userErrors);
            }}>
              {tr("取消班次", "Cancel shift")}
            </button>
          </Show>
        </div>
        <table class="card">
          <thead><tr><th>{tr("队员", "Volunteer")}</th><th>{tr("状态", "Status")}</th><th>{tr("签到", "Check-in")}</th><th></th></tr></thead>
          <tbody>
            <For each={shift()!.claims?.edges}>
              {(e) => (
                <tr>
                  <td>{e.node.volunteer.displayName}<div class="muted">{e.node.volunteer.phone}</div></td>
                  <td>
                    <Badge value={e.node.status} kind={statusKind(e.node.status)} />
                    <Show when={e.node.waitlistPosition}> #{e.node.waitlistPosition}</Show>
                  </td>
                  <td>
                    {e.node.checkedInAt ? fmtTime(e.node.checkedInAt) : "—"}
                    <Show when={e.node.checkInFlagged}> <span class="badge warn">{tr("偏远", "far")}</span></Show>
                    <Show when={e.node.checkedOutAt}> → {fmtTime(e.node.checkedOutAt!)}</Show>
                  </td>
                  <td class="row">
                    <Show when={e.node.status === "CONFIRMED" && !e.node.checkedInAt}>
                      <button onClick={async () => after((await checkIn({ input: { claimId: e.node.id, method: "LEADER" } })).data?.checkIn?.userErrors)}>{tr("代签到", "Check in")}</button>
                    </Show>
                    <Show when={e.node.checkedInAt && !e.node.checkedOutAt}>
                      <button onClick={async () => after((await checkOut({ input: { claimId: e.node.id, method: "LEADER" } })).data?.checkOut?.userErrors)}>{tr("代签退", "Check out")}</button>
                    </Show>
                    <Show when={(e.node.status === "CONFIRMED" || e.node.status === "WAITLISTED") && !e.node.checkedInAt}>
                      <button onClick={async () => after((await remove({ input: { claimId: e.node.id } })).data?.cancelShiftClaim?.userErrors)}>{tr("移除", "Remove")}</button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
