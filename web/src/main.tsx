import "./styles.css";
import { Navigate, Route, Router, useLocation, type RouteSectionProps } from "@solidjs/router";
import { Provider } from "@urql/solid";
import { createEffect, createMemo, createSignal, lazy, onCleanup, Show, untrack, type JSX } from "solid-js";
import { render } from "solid-js/web";
import { AfterTask } from "./components/AfterTask";
import { DialogHost } from "./components/Dialog";
import { TopBar } from "./components/TopBar";
import { ErrorView, Loading, NotFound } from "./components/QueryView";
import { ToastHost, toast } from "./components/Toast";
import { ViewerDocument } from "./gql/graphql";
import { expireSession, token } from "./lib/auth";
import { busy } from "./lib/busy";
import { createApiClient } from "./lib/client";
import { startEarlyBoard } from "./lib/early-board";
import { createQuery } from "./lib/query";
import { locale, tr } from "./lib/i18n";
import { homeFor, mayOpen } from "./lib/roles";
import { SessionContext, useSession } from "./lib/session";
import { networkDown, showingSavedAt } from "./lib/offline";
import { formatDateTime } from "./lib/time";
import Login from "./pages/Login";

// Each page is its own chunk: a phone downloads the page it opens (the service worker precaches the
// rest for offline use once the app is installed).
const ShiftBoard = lazy(() => import("./pages/ShiftBoard"));
const MyShifts = lazy(() => import("./pages/MyShifts"));
const Points = lazy(() => import("./pages/Points"));
const Leader = lazy(() => import("./pages/Leader"));
const Roster = lazy(() => import("./pages/Roster"));
const ShiftPoster = lazy(() => import("./pages/ShiftPoster"));
const Certificate = lazy(() => import("./pages/Certificate"));
const Watch = lazy(() => import("./pages/Watch"));
// Charts and exports are large: they load with this page only.
const Statistics = lazy(() => import("./pages/Statistics"));
const Review = lazy(() => import("./pages/Review"));
const Partners = lazy(() => import("./pages/Partners"));
const Teams = lazy(() => import("./pages/Teams"));
const Board = lazy(() => import("./pages/Board"));
const BoardPicker = lazy(() => import("./pages/Board").then((m) => ({ default: m.BoardPicker })));
const Inbox = lazy(() => import("./pages/Inbox"));
const Bulletins = lazy(() => import("./pages/Bulletins"));
const BulletinDetail = lazy(() => import("./pages/Bulletins").then((m) => ({ default: m.BulletinDetail })));
const CallUps = lazy(() => import("./pages/CallUps"));
const CallUp = lazy(() => import("./pages/CallUps").then((m) => ({ default: m.CallUp })));
const Report = lazy(() => import("./pages/Report"));
const Cases = lazy(() => import("./pages/Cases"));
const Findings = lazy(() => import("./pages/Findings"));
const Mediation = lazy(() => import("./pages/Mediation"));
const MediationCase = lazy(() => import("./pages/MediationCase"));
const HomeWatchRequests = lazy(() => import("./pages/HomeWatchRequests"));
const HomeWatchForm = lazy(() => import("./pages/HomeWatch"));
const HomeWatchStatusPage = lazy(() => import("./pages/HomeWatch").then((m) => ({ default: m.HomeWatchStatusPage })));
const Account = lazy(() => import("./pages/Account"));
const Join = lazy(() => import("./pages/Join"));
const Activate = lazy(() => import("./pages/Activate"));
const Privacy = lazy(() => import("./pages/Terms").then((m) => ({ default: m.Privacy })));
const Rules = lazy(() => import("./pages/Terms").then((m) => ({ default: m.Rules })));
const Members = lazy(() => import("./pages/Members"));
const Member = lazy(() => import("./pages/Member"));
const County = lazy(() => import("./pages/County"));
const Settings = lazy(() => import("./pages/Settings"));
const Audit = lazy(() => import("./pages/Audit"));

function WithSession(props: { children: JSX.Element }) {
  const [viewerQuery, refetch] = createQuery({ query: ViewerDocument, requestPolicy: "cache-and-network" });
  const viewer = () => viewerQuery.data?.viewer;
  const [chosen, setChosen] = createSignal<string | null>(localStorage.getItem("linshe.station"));
  const stationId = createMemo(() => {
    const stations = viewer()?.stations ?? [];
    return stations.find((s) => s.id === chosen())?.id ?? stations[0]?.id ?? null;
  });
  // The API answered, but not for this token: it expired or was revoked.
  createEffect(() => {
    if (viewerQuery.data && viewerQuery.data.viewer === null && !viewerQuery.fetching) expireSession();
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
      <Show when={viewer()} fallback={<main><Show when={viewerQuery.error && !viewerQuery.fetching} fallback={<Loading />}><ErrorView error={viewerQuery.error!} retry={session.refetch} /></Show></main>}>
        {props.children}
      </Show>
    </SessionContext.Provider>
  );
}

/** Pages a role cannot use send it to its home page, and say why (a link from a message, an old bookmark). */
function Guard(props: { children: JSX.Element }) {
  const s = useSession();
  const location = useLocation();
  return (
    <Show when={mayOpen(s.viewer(), location.pathname)} fallback={<NotForYou href={homeFor(s.viewer())} />}>
      {props.children}
    </Show>
  );
}

function NotForYou(props: { href: string }) {
  toast.info(tr("你的角色不能打开这个页面，已为你打开首页", "Your role cannot open that page; here is your home page"));
  return <Navigate href={props.href} />;
}

function Home() {
  const s = useSession();
  return <Navigate href={homeFor(s.viewer())} />;
}

function Private(props: RouteSectionProps) {
  const location = useLocation();
  const login = () => {
    const here = location.pathname + location.search;
    return here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
  };
  return (
    <Show when={token()} fallback={<Navigate href={login()} />}>
      <WithSession>
        <TopBar />
        <main>
          {/* The page in a task of its own after the header's (a phone's slow CPU: no task over 50 ms). */}
          <AfterTask>
            <Guard>{props.children}</Guard>
          </AfterTask>
        </main>
      </WithSession>
    </Show>
  );
}

function BusyBanner() {
  return (
    <Show when={busy()}>
      <div class="busy-banner" role="status">{tr("服务繁忙，请稍后重试（正在自动重试）", "Service busy, retrying")}</div>
    </Show>
  );
}

const [online, setOnline] = createSignal(typeof navigator === "undefined" || navigator.onLine);
addEventListener("online", () => setOnline(true));
addEventListener("offline", () => setOnline(false));

/** Offline (no network, or the API unreachable): say so, and how old the kept answers shown are. */
function OfflineBanner() {
  return (
    <Show when={!online() || networkDown()}>
      <div class="offline-banner" role="status" data-testid="offline-banner">
        <strong>{tr("离线", "Offline")}</strong>
        {showingSavedAt()
          ? tr(`：显示的是 ${formatDateTime(showingSavedAt()!)} 保存的内容，联网后刷新即可更新`, `: showing what was saved at ${formatDateTime(showingSavedAt()!)}`)
          : tr("：无法连接服务器，联网后请重试", ": the server cannot be reached")}
      </div>
    </Show>
  );
}

/**
 * The router's root. The router lives for the whole visit; the API client (and its cache and socket)
 * is made anew for each token, and the pages under it with it. (The router used to sit under the
 * client, so signing in rebuilt the router from the old URL while navigate() went to a disposed one:
 * the first sign-in landed on "/" showing an empty form.)
 */
function Shell(props: RouteSectionProps) {
  const location = useLocation();
  const api = createMemo((prev?: ReturnType<typeof createApiClient>) => {
    prev?.dispose();
    const a = createApiClient(token());
    // Only at start-up (a page opened directly), not after signing in.
    if (!prev) startEarlyBoard(a.client, token(), untrack(() => location.pathname));
    return a;
  });
  onCleanup(() => api().dispose());
  return (
    <>
      <OfflineBanner />
      <BusyBanner />
      <Show when={api()} keyed>
        {(a) => <Provider value={a.client}>{props.children}</Provider>}
      </Show>
      <ToastHost />
      <DialogHost />
    </>
  );
}

function App() {
  return (
    <Router root={Shell}>
      <Route path="/login" component={Login} />
      <Route path="/board" component={BoardPicker} />
      <Route path="/board/:stationId" component={Board} />
      <Route path="/home-watch" component={HomeWatchForm} />
      <Route path="/home-watch/status" component={HomeWatchStatusPage} />
      <Route path="/join/:code" component={Join} />
      <Route path="/activate" component={Activate} />
      <Route path="/privacy" component={Privacy} />
      <Route path="/rules" component={Rules} />
      <Route path="/" component={Private}>
        <Route path="/" component={Home} />
        <Route path="/shifts" component={ShiftBoard} />
        <Route path="/shifts/:id" component={Roster} />
        <Route path="/shifts/:id/poster" component={ShiftPoster} />
        <Route path="/my" component={MyShifts} />
        <Route path="/points" component={Points} />
        <Route path="/points/certificate" component={Certificate} />
        <Route path="/lead" component={Leader} />
        <Route path="/watch" component={Watch} />
        <Route path="/stats" component={Statistics} />
        <Route path="/review" component={Review} />
        <Route path="/partners" component={Partners} />
        <Route path="/teams" component={Teams} />
        <Route path="/report" component={Report} />
        <Route path="/cases" component={Cases} />
        <Route path="/cases/findings" component={Findings} />
        <Route path="/cases/mediation" component={Mediation} />
        <Route path="/cases/mediation/:id" component={MediationCase} />
        <Route path="/cases/homewatch" component={HomeWatchRequests} />
        <Route path="/members" component={Members} />
        <Route path="/members/:id" component={Member} />
        <Route path="/county" component={County} />
        <Route path="/inbox" component={Inbox} />
        <Route path="/bulletins" component={Bulletins} />
        <Route path="/bulletins/:id" component={BulletinDetail} />
        <Route path="/callups" component={CallUps} />
        <Route path="/callups/:id" component={CallUp} />
        <Route path="/account" component={Account} />
        <Route path="/settings" component={Settings} />
        <Route path="/audit" component={Audit} />
        <Route path="*" component={() => <section><NotFound /></section>} />
      </Route>
    </Router>
  );
}

document.documentElement.lang = locale();
render(() => <App />, document.getElementById("root")!);

// The service worker (app shell offline, installable app); a new version takes over on its own.
if (import.meta.env.PROD && "serviceWorker" in navigator) void import("virtual:pwa-register").then((m) => m.registerSW({ immediate: true }));
