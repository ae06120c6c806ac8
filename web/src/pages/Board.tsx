// 表扬榜: public, no sign-in. ?screen=1 is the big-screen mode for a display on the street.
import { A, useParams, useSearchParams } from "@solidjs/router";
import { createQuery, createSubscription } from "@urql/solid";
import { createEffect, For, Show } from "solid-js";
import { CommendationBoardDocument, CommendationBoardUpdatedDocument, PublicStationsDocument } from "../gql/graphql";
import { fmtDate, label, lang, setLang, tr } from "../i18n";
import { ErrorBox, Loading } from "../ui";

export function BoardPicker() {
  const [q] = createQuery({ query: PublicStationsDocument });
  return (
    <main>
      <h1>{tr("表扬榜", "Commendation boards")}</h1>
      <ErrorBox error={q.error} />
      <Show when={q.data} fallback={<Loading />}>
        <For each={q.data!.publicStations.edges}>
          {(e) => (
            <div class="card">
              <A href={`/board/${encodeURIComponent(e.node.id)}`}>{e.node.name}</A> <span class="muted">{e.node.city} {e.node.district}</span>
            </div>
          )}
        </For>
      </Show>
    </main>
  );
}

export default function Board() {
  const params = useParams();
  const [search] = useSearchParams();
  const stationId = () => decodeURIComponent(params.stationId!);
  const [q, refetch] = createQuery({ query: CommendationBoardDocument, variables: () => ({ stationId: stationId() }), requestPolicy: "cache-and-network" });
  const [updates] = createSubscription({ query: CommendationBoardUpdatedDocument, variables: () => ({ stationId: stationId() }) });
  // 时时更新: any published or withdrawn edition refreshes the board.
  createEffect(() => {
    if (updates.data) refetch({ requestPolicy: "network-only" });
  });
  const screen = () => search.screen === "1";
  return (
    <div class={screen() ? "board-screen" : ""}>
      <main>
        <div class="spread">
          <h1>{tr("好人好事表扬榜", "Commendation board")}</h1>
          <Show when={!screen()}>
            <span class="row">
              <button onClick={() => setLang(lang() === "zh" ? "en" : "zh")}>{lang() === "zh" ? "EN" : "中文"}</button>
              <A class="button" href={`/board/${encodeURIComponent(stationId())}?screen=1`}>{tr("大屏模式", "Big screen")}</A>
            </span>
          </Show>
        </div>
        <ErrorBox error={q.error} />
        <Show when={q.data} fallback={<Loading />}>
          <For each={q.data!.commendationBoard.edges} fallback={<p>{tr("暂无表扬", "No commendations yet")}</p>}>
            {(e) => (
              <article class="card" data-testid="board-entry">
                <div class="spread">
                  <strong>{e.node.displayName}<Show when={e.node.legalName}>（{e.node.legalName}）</Show></strong>
                  <span class="badge">{label(e.node.category)}</span>
                </div>
                <div class="muted">
                  {e.node.teamName}<Show when={e.node.squadName}> · {e.node.squadName}</Show> · {fmtDate(e.node.occurredAt)}
                  <Show when={e.node.timesCommended}> · {tr(`表扬 ${e.node.timesCommended} 次`, `commended ${e.node.timesCommended}×`)}</Show>
                </div>
                <h3 style={{ margin: ".4rem 0" }}>{e.node.title}</h3>
                <p style={{ margin: 0 }}>{e.node.story}</p>
                <div class="muted">{e.node.editionTitle}</div>
              </article>
            )}
          </For>
        </Show>
      </main>
    </div>
  );
}
