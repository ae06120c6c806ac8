// The header: one row (brand, the viewer's name cut with an ellipsis, station, language, sign out),
// and the role's tabs below it on a phone (wrapping, never cut off) or beside it on a desktop.
import { A, useNavigate } from "@solidjs/router";
import { useClient } from "@urql/solid";
import { AfterTask } from "./AfterTask";
import { For, Show } from "solid-js";
import { SignOutDocument } from "../gql/graphql";
import { signOut } from "../lib/auth";
import { lang, setLang, tr } from "../lib/i18n";
import { tabsFor } from "../lib/roles";
import { useSession } from "../lib/session";
import { createUnreadBadge } from "../lib/notices";

/**
 * Shows the other language's name in that language; its visible text is its accessible name. In a
 * phone's header English is "EN" (styles.css), which leaves the viewer's name room beside the unread
 * count at 360 px.
 */
export function LangToggle() {
  return (
    <button type="button" class="lang" lang={lang() === "zh" ? "en" : "zh-CN"} onClick={() => setLang(lang() === "zh" ? "en" : "zh")}>
      <span class="lang-full">{lang() === "zh" ? "English" : "中文"}</span>
      <span class="lang-short">{lang() === "zh" ? "EN" : "中文"}</span>
    </button>
  );
}

export function TopBar() {
  const s = useSession();
  const navigate = useNavigate();
  const client = useClient();
  const badge = createUnreadBadge();
  return (
    <header class="top">
      <div class="top-row">
        <A class="brand" href="/">邻舍</A>
        <span class="who" title={s.viewer()?.displayName}>{s.viewer()?.displayName}</span>
        <Show when={(s.viewer()?.stations.length ?? 0) > 1}>
          <label class="sr-only" for="station">{tr("派出所", "Station")}</label>
          <select id="station" class="station" value={s.stationId() ?? ""} onChange={(e) => s.setStationId(e.currentTarget.value)}>
            <For each={s.viewer()?.stations}>{(st) => <option value={st.id} selected={st.id === (s.stationId() ?? "")}>{st.name}</option>}</For>
          </select>
        </Show>
        <A class="inbox-link" href="/inbox" aria-label={badge.unread() ? tr(`消息，${badge.unread()}条未读`, `Inbox, ${badge.unread()} unread`) : tr("消息", "Inbox")}>
          <span aria-hidden="true">{tr("消息", "Inbox")}</span>
          <Show when={badge.unread() > 0}>
            <span class="count" aria-hidden="true" data-testid="unread-count">{badge.unread() > 99 ? "99+" : badge.unread()}</span>
          </Show>
        </A>
        <LangToggle />
        <button
          type="button"
          onClick={async () => {
            // End the session on the server as well (a copied token stops working); offline or slow, the
            // phone forgets the token anyway after a moment.
            const ended = client.mutation(SignOutDocument, { input: {} }, { requestPolicy: "network-only" }).toPromise().catch(() => null);
            await Promise.race([ended, new Promise((r) => setTimeout(r, 1500))]);
            signOut();
            navigate("/login");
          }}
        >
          {tr("退出", "Sign out")}
        </button>
      </div>
      <nav aria-label={tr("主导航", "Main")}>
        {/* The tabs in the next task: the header and the page do not start in one long task. */}
        <AfterTask>
          <For each={tabsFor(s.viewer())}>{(t) => <A href={t.href} activeClass="active">{tr(t.zh, t.en)}</A>}</For>
        </AfterTask>
      </nav>
    </header>
  );
}
