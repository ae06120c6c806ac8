// 志愿服务时长证明 to print: the station, the volunteer, hours, each service and commendation of the
// period (?from=YYYY-MM-DD&to=YYYY-MM-DD, Asia/Shanghai dates). The print stylesheet keeps only the certificate.
import { A, useSearchParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { For, Show } from "solid-js";
import { QueryView } from "../components/QueryView";
import { HoursCertificateDocument } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { useSession } from "../lib/session";
import { formatDate, fromLocalInput } from "../lib/time";

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export default function Certificate() {
  const s = useSession();
  const [params] = useSearchParams();
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const from = () => (typeof params.from === "string" && DAY.test(params.from) ? params.from : `${year}-01-01`);
  const to = () => (typeof params.to === "string" && DAY.test(params.to) ? params.to : `${year}-12-31`);
  const [q, refetch] = createQuery({
    query: HoursCertificateDocument,
    variables: () => ({
      volunteerId: s.viewer()!.volunteer!.id,
      stationId: s.stationId()!,
      from: fromLocalInput(`${from()}T00:00`).toISOString(),
      to: new Date(fromLocalInput(`${to()}T00:00`).getTime() + 86_400_000).toISOString(),
    }),
    pause: () => !s.viewer()?.volunteer || !s.stationId(),
    requestPolicy: "cache-and-network",
  });
  return (
    <section>
      <p class="no-print row">
        <A href="/points">{tr("← 返回积分", "← Back to points")}</A>
        <button type="button" class="primary" onClick={() => window.print()}>{tr("打印证明", "Print")}</button>
      </p>
      <QueryView
        query={q}
        select={(d) => (d.volunteer?.__typename === "Volunteer" ? d.volunteer.hoursCertificate ?? null : null)}
        retry={() => refetch({ requestPolicy: "network-only" })}
        notFound={<><h1>{tr("志愿服务时长证明", "Hours certificate")}</h1><p class="muted" role="status">{tr("没有可开具的证明", "No certificate to show")}</p></>}
      >
        {(c) => (
          <article class="card certificate" data-testid="certificate">
            <h1>{tr("志愿服务时长证明", "Certificate of volunteer service")}</h1>
            <p class="certificate-text">
              {tr(
                `兹证明 ${c().volunteerName}（${c().displayName}）于 ${formatDate(c().from)} 至 ${formatDate(new Date(new Date(c().to).getTime() - 1))} 在${c().stationName}参加义警志愿服务，`,
                `This certifies that ${c().volunteerName} (${c().displayName}) served as a volunteer with ${c().stationName} from ${formatDate(c().from)} to ${formatDate(new Date(new Date(c().to).getTime() - 1))}: `,
              )}
              {tr("累计服务", "in total")} <strong data-testid="certificate-hours">{hours(c().totalMinutes)}</strong> {tr("小时", "hours")}，
              {tr(`班次 ${c().shiftCount} 次，获表扬 ${c().commendationCount} 次。`, `${c().shiftCount} shifts, ${c().commendationCount} commendations.`)}
            </p>
            <h2>{tr("服务记录", "Service")}</h2>
            <table>
              <thead><tr><th>{tr("日期", "Date")}</th><th>{tr("队伍", "Team")}</th><th>{tr("内容", "Title")}</th><th>{tr("小时", "Hours")}</th></tr></thead>
              <tbody>
                <For each={c().shifts} fallback={<tr><td colSpan={4} class="muted">{tr("该期间没有完成的服务", "No completed service in this period")}</td></tr>}>
                  {(r) => (
                    <tr data-testid="certificate-row">
                      <td>{formatDate(r.date)}</td>
                      <td>{r.teamName}</td>
                      <td>{r.title}</td>
                      <td class="seats">{hours(r.minutes)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={c().commendations.length}>
              <h2>{tr("表扬", "Commendations")}</h2>
              <ul>
                <For each={c().commendations}>{(r) => <li>{formatDate(r.date)} {r.title}</li>}</For>
              </ul>
            </Show>
            <div class="certificate-sign">
              <p>{c().stationName}</p>
              <p>{tr("（盖章）", "(stamp)")}</p>
              <p>{tr("开具日期", "Issued")} {formatDate(new Date())}</p>
            </div>
          </article>
        )}
      </QueryView>
    </section>
  );
}
