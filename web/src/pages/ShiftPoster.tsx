// 岗点二维码海报: a shift's leaders and officers print it and put it up at the post. The QR code links to
// 我的班次 with the shift and its post code; the code is printed large as well, for typing it in.
import { A, useParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createResource, Show } from "solid-js";
import { QueryView } from "../components/QueryView";
import { ShiftPosterDocument } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { postQrUrl } from "../lib/postQr";
import { formatSpan } from "../lib/time";

/** The QR code as SVG markup (qrcode, loaded with this page only). */
async function qrSvg(text: string): Promise<string> {
  const QRCode = await import("qrcode");
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

function Qr(props: { text: string }) {
  const [svg] = createResource(() => props.text, qrSvg);
  // The SVG comes from the qrcode library (no user markup): paths and rects only.
  return <div class="qr" role="img" aria-label={tr("岗点签到二维码", "Post check-in QR code")} data-testid="post-qr" innerHTML={svg() ?? ""} />;
}

export default function ShiftPoster() {
  const params = useParams();
  const id = () => decodeURIComponent(params.id!);
  const [q, refetch] = createQuery({ query: ShiftPosterDocument, variables: () => ({ id: id() }), requestPolicy: "cache-and-network" });
  return (
    <section>
      <QueryView
        query={q}
        select={(d) => (d.node?.__typename === "Shift" ? d.node : null)}
        retry={() => refetch({ requestPolicy: "network-only" })}
        notFound={<><h1>{tr("岗点二维码", "Post QR code")}</h1><p class="muted" role="status">{tr("没有找到这个班次，或你无权查看", "No such shift, or not yours to see")}</p></>}
      >
        {(s) => (
          <Show
            when={s().postCode}
            fallback={<><h1>{tr("岗点二维码", "Post QR code")}</h1><p class="muted" role="status">{tr("只有本班次的队长和民警可以打印岗点二维码", "Only the shift's leaders and officers print its post QR code")}</p></>}
          >
            {(code) => (
              <>
                <p class="no-print row">
                  <A href={`/shifts/${encodeURIComponent(s().id)}`}>{tr("← 返回班次", "← Back to the shift")}</A>
                  <button type="button" class="primary" onClick={() => window.print()}>{tr("打印海报", "Print poster")}</button>
                </p>
                <article class="card poster" data-testid="post-poster">
                  <p class="poster-station">{s().station.name} · {s().team.name}</p>
                  <h1>{tr("义警签到", "Volunteer check-in")}</h1>
                  <p class="poster-shift">{s().title}</p>
                  <p>{formatSpan(s().startsAt, s().endsAt)}</p>
                  <Show when={s().grid?.name || s().place}>
                    <p>{[s().grid?.name, s().place].filter(Boolean).join(" · ")}</p>
                  </Show>
                  <Qr text={postQrUrl(location.origin, s().id, code())} />
                  <p class="poster-code">
                    {tr("岗点码", "Post code")} <strong data-testid="poster-code">{code()}</strong>
                  </p>
                  <p class="poster-how">
                    {tr("打开“邻舍” → 我的班次 → 扫码签到；或用手机相机扫码；也可输入岗点码", "Open Linshe → My shifts → Scan to check in; or scan with the phone's camera; or type the post code")}
                  </p>
                </article>
              </>
            )}
          </Show>
        )}
      </QueryView>
    </section>
  );
}
