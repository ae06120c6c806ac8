// 案件: the station's casework, one section each: 隐患 (findings queue), 调解 (mediation), 长假照看.
import { A, Navigate } from "@solidjs/router";
import { For, type JSX } from "solid-js";
import { tr } from "../lib/i18n";
import { isOfficer } from "../lib/roles";
import { useSession } from "../lib/session";

function sections(s: ReturnType<typeof useSession>) {
  const v = s.viewer();
  const officer = isOfficer(v);
  return [
    { href: "/cases/findings", zh: "隐患处置", en: "Findings", show: officer || s.has("LEADER") || s.has("PARTNER_ADMIN") },
    { href: "/cases/mediation", zh: "警民联调", en: "Mediation", show: officer || !!v?.isMediator },
    { href: "/cases/homewatch", zh: "长假照看", en: "Home-watch", show: officer || s.has("LEADER") },
  ].filter((x) => x.show);
}

/** The section links above each casework page. */
export function CaseNav() {
  const s = useSession();
  return (
    <nav class="segmented sub-nav" aria-label={tr("案件分类", "Casework sections")}>
      <For each={sections(s)}>{(x) => <A href={x.href} activeClass="active">{tr(x.zh, x.en)}</A>}</For>
    </nav>
  );
}

export function CasePage(props: { title: string; children: JSX.Element }) {
  return (
    <section>
      <CaseNav />
      <h1>{props.title}</h1>
      {props.children}
    </section>
  );
}

/** /cases: the first section the viewer may use. */
export default function Cases() {
  const s = useSession();
  return <Navigate href={sections(s)[0]?.href ?? "/"} />;
}
