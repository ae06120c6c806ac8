// 上报隐患 (volunteers, on the phone): what was found, where, with camera photos and the location;
// below it 我的上报, each with its outcome.
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { PhotoPicker, problemOn } from "../components/PhotoPicker";
import { QueryView } from "../components/QueryView";
import { ReportCard } from "../components/ReportCard";
import { toast } from "../components/Toast";
import { MyReportsDocument, ReportFormDocument, SubmitPatrolReportDocument, type PatrolReportCategory } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { geolocate } from "../lib/geo";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction, createRequestKey } from "../lib/mutation";
import { useSession } from "../lib/session";

export default function Report() {
  const s = useSession();
  const [station] = createQuery({ query: ReportFormDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId() });
  const [mine, refetchMine] = createQuery({ query: MyReportsDocument, requestPolicy: "cache-and-network" });
  const again = () => refetchMine({ requestPolicy: "network-only" });

  const form = createFormState();
  const [category, setCategory] = createSignal<PatrolReportCategory>("FIRE_HAZARD");
  const [description, setDescription] = createSignal("");
  const [place, setPlace] = createSignal("");
  const [gridId, setGridId] = createSignal("");
  const [photos, setPhotos] = createSignal<File[]>([]);
  const [position, setPosition] = createSignal<{ latitude: number; longitude: number } | null>(null);
  const [locating, setLocating] = createSignal(false);
  // One key per report as filled in: tapping 提交上报 again after a lost answer sends the same report, which the
  // API answers with the one already made; any change to the form (or the station) makes it another report.
  const requestId = createRequestKey(() => [s.stationId(), category(), description(), place(), gridId(), photos(), position()]);
  const reset = () => {
    setDescription("");
    setPlace("");
    setPhotos([]);
    setPosition(null);
  };
  const submit = createAction(SubmitPatrolReportDocument, {
    pick: (d) => d.submitPatrolReport,
    form,
    success: () => tr("已上报，处理进展会通知你", "Reported: you will be told how it is handled"),
    onSuccess: () => (reset(), again()),
  });
  const locate = async () => {
    setLocating(true);
    try {
      setPosition(await geolocate());
    } catch (e) {
      toast.error((e as Error).message);
    } finally {
      setLocating(false);
    }
  };

  return (
    <section>
      <h1>{tr("上报隐患", "Report a finding")}</h1>
      <Show when={station.data?.node?.__typename === "Station" && !station.data.node.viewerCanReport}>
        <p class="alert" role="alert">{tr("你不是本所在册义警，不能上报", "Only the station's active members can report")}</p>
      </Show>
      <Form
        form={form}
        label={tr("上报隐患", "Report a finding")}
        testId="report-form"
        onSubmit={() =>
          submit.run({
            input: {
              stationId: s.stationId()!,
              category: category(),
              description: description().trim(),
              place: place().trim() || null,
              gridId: gridId() || null,
              latitude: position()?.latitude ?? null,
              longitude: position()?.longitude ?? null,
              photos: photos(),
              requestId: requestId(),
            },
          })
        }
      >
        <Field name="category" label={tr("类别", "Category")} required>
          {(a) => (
            <select {...a} value={category()} onChange={(e) => setCategory(e.currentTarget.value as PatrolReportCategory)}>
              <For each={values("PatrolReportCategory")}>{(c) => <option value={c} selected={c === category()}>{label("PatrolReportCategory", c)}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="description" label={tr("发现了什么", "What did you find")} required>
          {(a) => <textarea {...a} maxLength={2000} value={description()} onInput={(e) => setDescription(e.currentTarget.value)} placeholder={tr("如：3幢楼道堆放电动车电池，堵塞消防通道", "e.g. batteries blocking the stairwell of building 3")} />}
        </Field>
        <Field name="place" label={tr("地点", "Place")}>
          {(a) => <input {...a} maxLength={120} value={place()} onInput={(e) => setPlace(e.currentTarget.value)} placeholder={tr("小区、楼幢、路口", "Compound, building, crossing")} />}
        </Field>
        <Show when={station.data?.node?.__typename === "Station" ? station.data.node : null}>
          {(st) => (
            <Field name="gridId" label={tr("网格（可不选）", "Grid (optional)")}>
              {(a) => (
                <select {...a} value={gridId()} onChange={(e) => setGridId(e.currentTarget.value)}>
                  <option value="" selected={!gridId()}>{tr("按班次或定位自动判断", "From the shift or the location")}</option>
                  <For each={st().grids.edges}>{(g) => <option value={g.node.id} selected={g.node.id === gridId()}>{g.node.name}</option>}</For>
                </select>
              )}
            </Field>
          )}
        </Show>
        <div class="field">
          <span class="label-like">{tr("位置", "Location")}</span>
          <div class="row">
            <button type="button" disabled={locating()} onClick={() => void locate()}>
              {locating() ? tr("定位中…", "Locating…") : position() ? tr("重新定位", "Locate again") : tr("获取当前位置", "Use my location")}
            </button>
            <Show when={position()}>
              <span class="muted" data-testid="located">
                {tr("已定位", "Located")} {position()!.latitude.toFixed(5)}, {position()!.longitude.toFixed(5)}
              </span>
            </Show>
          </div>
        </div>
        <Field name="photos" label={tr("现场照片", "Photos")}>
          {(a) => <PhotoPicker {...a} files={photos()} onChange={setPhotos} onProblem={problemOn(form, "photos")} />}
        </Field>
        <FormErrors />
        <p>
          <Submit pending={submit.pending()} busyText={tr("上传中…", "Uploading…")}>{tr("提交上报", "Submit")}</Submit>
        </p>
      </Form>

      <h2>{tr("我的上报", "My reports")}</h2>
      <QueryView
        query={mine}
        select={(d) => d.viewer?.myPatrolReports.edges}
        retry={again}
        isEmpty={(l) => !l.length}
        empty={<p class="muted">{tr("还没有上报过", "Nothing reported yet")}</p>}
      >
        {(edges) => <For each={edges()}>{(e) => <ReportCard report={e.node} />}</For>}
      </QueryView>
    </section>
  );
}
