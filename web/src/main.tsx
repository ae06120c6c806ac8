import "./styles.css";
import { A, Navigate, Route, Router, useNavigate, type RouteSectionProps } from "@solidjs/router";
import { Provider, createQuery } from "@urql/solid";
import { createMemo, createSignal, For, onCleanup, Show, type JSX } from "solid-js";
import { render } from "solid-js/web";
import { setToken, token } from "./auth";
import { createApiClient } from "./client";
import { ViewerDocument } from "./gql/graphql";
import { lang, setLang, tr } from "./i18n";
import { SessionContext, useSession } from "./session";
import { ErrorBox, Loading } from "./ui";
import Login from "./pages/Login";
import ShiftBoard from "./pages/ShiftBoard";
import MyShifts from "./pages/MyShifts";
import Points from "./pages/Points";
import Leader from "./pages/Leader";
import Roster from "./pages/Roster";
import Watch from "./pages/Watch";
import Review from "./pages/Review";
import Partners from "./pages/Partners";
import Teams from "./pages/Teams";
import Board, { BoardPicker } from "./pages/Board";

function WithSession(props: { children: JSX.Element }) {
  const [viewerQuery, refetch] = createQuery({ query: ViewerDocument, requestPolicy: "cache-and-network" });
  const viewer = () => viewerQuery.data?.viewer;
  const [chosen, setChosen] = createSignal<string | null>(localStorage.getItem("linshe.station"));
  const stationId = createMemo(() => {
    const stations = viewer()?.stations ?? [];
    return stations.find((s) => s.id === chosen())?.id ?? stations[0]?.id ?? null;
  });
  const session = {
    viewer,
    stationId,
    setStationId: (id: string) => {
      localStorage.setItem("linshe.station", id);
      setChosen(id);
    },
    has: (role: string) => !!viewer()?.roleNames.includes(role as never),
    refetch: () => refetch({ requestPolicy: "network-only" }),
  };
  return (
    <SessionContext.Provider value={session}>
      <Show when={!viewerQuery.fetching || viewerQuery.data} fallback={<main><Loading /></main>}>
        <Show when={viewer()} fallback={<Show when={viewerQuery.error} fallback={<Navigate href="/login" />}><main><ErrorBox error={viewerQuery.error} /></main></Show>}>
          {props.children}
        </Show>
      </Show>
    </SessionContext.Provider>
  );
}

function TopBar() {
  const s = useSession();
  const navigate = useNavigate();
  const links = () =>
    [
      { href: "/shifts", zh: "班次", en: "Shifts", show: s.has("VOLUNTEER") || s.has("LEADER") || s.has("OFFICER") },
      { href: "/my", zh: "我的班次", en: "My shifts", show: s.has("VOLUNTEER") },
      { href: "/points", zh: "积分", en: "Points", show: s.has("VOLUNTEER") },
      { href: "/lead", zh: "队长", en: "Leader", show: s.has("LEADER") || s.has("OFFICER") },
      { href: "/watch", zh: "巡防动态", en: "Patrol watch", show: s.has("OFFICER") || s.has("LEADER") },
      { href: "/review", zh: "审核", en: "Review", show: s.has("OFFICER") },
      { href: "/teams", zh: "队伍", en: "Teams", show: s.has("OFFICER") },
      { href: "/partners", zh: "共建", en: "Partners", show: s.has("OFFICER") || s.has("PARTNER_ADMIN") },
      { href: "/board", zh: "表扬榜", en: "Board", show: true },
    ].filter((l) => l.show);
  return (
    <header class="top">
      <A class="brand" href="/">邻舍</A>
      <nav aria-label={tr("主导航", "Main")}>
        <For each={links()}>{(l) => <A href={l.href} activeClass="active">{tr(l.zh, l.en)}</A>}</For>
      </nav>
      <Show when={(s.viewer()?.stations.length ?? 0) > 1}>
        <label class="sr-only" for="station">{tr("派出所", "Station")}</label>
        <select id="station" style={{ width: "auto" }} value={s.stationId() ?? ""} onChange={(e) => s.setStationId(e.currentTarget.value)}>
          <For each={s.viewer()?.stations}>{(st) => <option value={st.id}>{st.name}</option>}</For>
        </select>
      </Show>
      <span class="who">{s.viewer()?.displayName}</span>
      <button onClick={() => setLang(lang() === "zh" ? "en" : "zh")} aria-label="Language">{lang() === "zh" ? "EN" : "中文"}</button>
      <button
        onClick={() => {
          setToken(null);
          navigate("/login");
        }}
      >
        {tr("退出", "Sign out")}
      </button>
    </header>
  );
}

function Home() {
  const s = useSession();
  const to = () =>
    s.has("OFFICER") ? "/watch" : s.has("PARTNER_ADMIN") && !s.has("VOLUNTEER") ? "/partners" : s.has("LEADER") ? "/lead" : "/shifts";
  return <Navigate href={to()} />;
}

function Private(props: RouteSectionProps) {
  return (
    <Show when={token()} fallback={<Navigate href="/login" />}>
      <WithSession>
        <TopBar />
        <main>{props.children}</main>
      </WithSession>
    </Show>
  );
}

function App() {
  // A new client (and socket) per token: sign-in and sign-out never mix caches.
  const api = createMemo((prev?: ReturnType<typeof createApiClient>) => {
    prev?.dispose();
    return createApiClient(token());
  });
  onCleanup(() => api().dispose());
  return (
    <Show when={api()} keyed>
      {(a) => (
        <Provider value={a.client}>
          <Router>
            <Route path="/login" component={Login} />
            <Route path="/board" component={BoardPicker} />
            <Route path="/board/:stationId" component={Board} />
            <Route path="/" component={Private}>
              <Route path="/" component={Home} />
              <Route path="/shifts" component={ShiftBoard} />
              <Route path="/shifts/:id" component={Roster} />
              <Route path="/my" component={MyShifts} />
              <Route path="/points" component={Points} />
              <Route path="/lead" component={Leader} />
              <Route path="/watch" component={Watch} />
              <Route path="/review" component={Review} />
              <Route path="/partners" component={Partners} />
              <Route path="/teams" component={Teams} />
            </Route>
          </Router>
        </Provider>
      )}
    </Show>
  );
}

document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
render(() => <App />, document.getElementById("root")!);
