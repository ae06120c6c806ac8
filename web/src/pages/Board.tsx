// 表扬榜: public, no sign-in. ?screen=1 is the street display: read from 5 m, pages on a timer, live.
import { A, useParams, useSearchParams } from "@solidjs/router";
import { createQuery, createSubscription } from "@urql/solid";
import { createEffect, createMemo, createSignal, For, onCleanup, Show } from "solid-js";
import { QueryView } from "../components/QueryView";
import { LangToggle } from "../components/TopBar";
import { CommendationBoardDocument, CommendationBoardUpdatedDocument, PublicBulletinsDocument, PublicStationsDocument, type CommendationBoardQuery } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { formatDate, formatDateTime } from "../lib/time";

type Entry = CommendationBoardQuery["commendationBoard"]["edges"][number]["node"];
export interface Edition {
  title: string;
  publishedAt: string;
  entries: Entry[];
}

/**
 * Entries grouped by edition, newest edition first, each deed once: a deed that appears in several
 * editions stays in the newest one (the API orders entries newest edition first).
 */
export function groupEditions(entries: readonly Entry[]): Edition[] {
  const seen = new Set<string>();
  const editions: Edition[] = [];
  for (const e of entries) {
    const key = [e.displayName, e.title, e.occurredAt, e.category].join("|");
    if (seen.has(key)) continue;
    seen.add(key);
    let ed = editions[editions.length - 1];
    if (!ed || ed.title !== e.editionTitle || ed.publishedAt !== e.publishedAt) editions.push((ed = { title: e.editionTitle, publishedAt: e.publishedAt, entries: [] }));
    ed.entries.push(e);
  }
  return editions;
}

/** The screen's pages: `perPage` entries of one edition each, so every page has its edition's heading. */
export function screenPages(editions: readonly Edition[], perPage: number) {
  const pages: { edition: Edition; entries: Entry[] }[] = [];
  for (const ed of editions) for (let i = 0; i < ed.entries.length; i += perPage) pages.push({ edition: ed, entries: ed.entries.slice(i, i + perPage) });
  return pages;
}

export function BoardPicker() {
  const [q, refetch] = createQuery({ query: PublicStationsDocument });
  return (
    <main>
      <div class="spread">
        <h1>{tr("表扬榜", "Commendation boards")}</h1>
        <LangToggle />
      </div>
      <QueryView query={q} select={(d) => d.publicStations.edges} retry={() => refetch({ requestPolicy: "network-only" })} isEmpty={(l) => !l.length}>
        {(edges) => (
          <For each={edges()}>
            {(e) => (
              <div class="card">
                <A class="tap" href={`/board/${encodeURIComponent(e.node.id)}`}>{e.node.name}</A> <span class="muted">{e.node.city} {e.node.district}</span>
              </div>
            )}
          </For>
        )}
      </QueryView>
    </main>
  );
}

function EntryCard(props: { e: Entry }) {
  const e = () => props.e;
  return (
    <article class="card board-entry" data-testid="board-entry">
      <div class="spread">
        <strong class="who-name">{e().displayName}<Show when={e().legalName}>（{e().legalName}）</Show></strong>
        <span class="badge">{label("GoodDeedCategory", e().category)}</span>
      </div>
      <h3>{e().title}</h3>
      <p class="story">{e().story}</p>
      <div class="muted">
        {e().teamName}<Show when={e().squadName}> · {e().squadName}</Show> · {formatDate(e().occurredAt)}
        <Show when={e().timesCommended}> · {tr(`表扬 ${e().timesCommended} 次`, `commended ${e().timesCommended}×`)}</Show>
      </div>
    </article>
  );
}

const PER_PAGE = 2;
const PAGE_SECONDS = 12;

function Screen(props: { station: string; editions: Edition[] }) {
  const pages = createMemo(() => screenPages(props.editions, PER_PAGE));
  const [page, setPage] = createSignal(0);
  const [now, setNow] = createSignal(new Date());
  const timer = setInterval(() => {
    setPage((p) => (pages().length ? (p + 1) % pages().length : 0));
    setNow(new Date());
  }, PAGE_SECONDS * 1000);
  onCleanup(() => clearInterval(timer));
  const current = () => pages()[Math.min(page(), Math.max(pages().length - 1, 0))];
  return (
    <div class="board-screen" data-testid="board-screen">
      <header class="screen-head">
        <div>
          <div class="screen-station" data-testid="screen-station">{props.station}</div>
          <h1>{tr("好人好事表扬榜", "Commendation board")}</h1>
        </div>
        <div class="screen-side">
          <div>{formatDateTime(now())}</div>
          <Show when={pages().length > 1}>
            <div data-testid="screen-page">{tr(`第 ${page() + 1} / ${pages().length} 页`, `Page ${page() + 1} / ${pages().length}`)}</div>
          </Show>
        </div>
      </header>
      <Show when={current()} fallback={<p class="screen-empty">{tr("暂无表扬", "No commendations yet")}</p>}>
        <h2 class="screen-edition" data-testid="screen-edition">{current()!.edition.title}</h2>
        <div class="screen-grid">
          <For each={current()!.entries}>{(e) => <EntryCard e={e} />}</For>
        </div>
      </Show>
    </div>
  );
}

export default function Board() {
  const params = useParams();
  const [search] = useSearchParams();
  const stationId = () => decodeURIComponent(params.stationId!);
  const [q, refetch] = createQuery({ query: CommendationBoardDocument, variables: () => ({ stationId: stationId() }), requestPolicy: "cache-and-network" });
  const [stations] = createQuery({ query: PublicStationsDocument });
  const [bulletins] = createQuery({ query: PublicBulletinsDocument, variables: () => ({ stationId: stationId() }) });
  const stationName = () => stations.data?.publicStations.edges.find((e) => e.node.id === stationId())?.node.name ?? "";
  const [updates] = createSubscription({ query: CommendationBoardUpdatedDocument, variables: () => ({ stationId: stationId() }) });
  // 时时更新: any published or withdrawn edition refreshes the board.
  createEffect(() => {
    if (updates.data) refetch({ requestPolicy: "network-only" });
  });
  const screen = () => search.screen === "1";
  const retry = () => refetch({ requestPolicy: "network-only" });
  return (
    <Show
      when={!screen()}
      fallback={
        <QueryView query={q} select={(d) => groupEditions(d.commendationBoard.edges.map((e) => e.node))} retry={retry}>
          {(editions) => <Screen station={stationName()} editions={editions()} />}
        </QueryView>
      }
    >
      <main>
        <div class="spread">
          <div>
            <div class="muted">{stationName()}</div>
            <h1>{tr("好人好事表扬榜", "Commendation board")}</h1>
          </div>
          <span class="row">
            <LangToggle />
            <A class="button" href={`/board/${encodeURIComponent(stationId())}?screen=1`}>{tr("大屏模式", "Big screen")}</A>
          </span>
        </div>
        <Show when={bulletins.data?.publicBulletins.edges.length}>
          <section class="edition-block" data-testid="public-bulletins">
            <h2>{tr("警情提醒", "Public notices")}</h2>
            <For each={bulletins.data!.publicBulletins.edges}>
              {(e) => (
                <article class="card">
                  <div class="spread">
                    <strong>{e.node.title}</strong>
                    <span class="badge">{label("BulletinCategory", e.node.category)}</span>
                  </div>
                  <p class="story">{e.node.body}</p>
                  <div class="muted">{formatDateTime(e.node.publishedAt)}</div>
                </article>
              )}
            </For>
          </section>
        </Show>
        <QueryView
          query={q}
          select={(d) => groupEditions(d.commendationBoard.edges.map((e) => e.node))}
          retry={retry}
          isEmpty={(l) => !l.length}
          empty={<p>{tr("暂无表扬", "No commendations yet")}</p>}
        >
          {(editions) => (
            <For each={editions()}>
              {(ed) => (
                <section class="edition-block">
                  <h2>{ed.title} <span class="muted">{formatDate(ed.publishedAt)}</span></h2>
                  <For each={ed.entries}>{(e) => <EntryCard e={e} />}</For>
                </section>
              )}
            </For>
          )}
        </QueryView>
      </main>
    </Show>
  );
}
