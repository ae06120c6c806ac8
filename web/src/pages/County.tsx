// 市县局 (platform and region admins): regions, their stations, communities and grids with patrol
// plans (巡防方案), and appointing region admins and officers by phone. A new account's activation code
// is shown once, to hand to the person.
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Editor } from "../components/Editor";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { Grant, Holders, PendingOffers } from "../components/Appointments";
import { CountyDocument, CountyStationDocument, CreateCommunityDocument, CreateGridDocument, CreateRegionDocument, CreateStationDocument, UpdateGridDocument, UpdateStationDocument, type CountyQuery, type CountyStationQuery } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";

type Region = NonNullable<CountyQuery["regions"]>["edges"][number]["node"];
type Station = Region["stations"]["edges"][number]["node"];
type StationDetail = Extract<NonNullable<CountyStationQuery["node"]>, { __typename: "Station" }>;
type GridRow = StationDetail["grids"]["edges"][number]["node"];

/** A number field's text as the API's Float/Int: blank is null. */
const num = (v: string) => (v.trim() === "" ? null : Number(v));
const text = (v: number | null | undefined) => (v == null ? "" : String(v));

function EditStation(props: { station: StationDetail; onChange: () => void }) {
  const init = () => ({ name: props.station.name, district: props.station.district, address: props.station.address, latitude: text(props.station.latitude), longitude: text(props.station.longitude) });
  const [p, setP] = createSignal(init());
  const form = createFormState();
  const update = createAction(UpdateStationDocument, { pick: (d) => d.updateStation, form, success: () => tr("派出所信息已保存", "Station saved"), onSuccess: props.onChange });
  return (
    <Editor label={tr("编辑派出所信息", "Edit the station")}>
      <Form form={form} class="plain-form" label={tr(`编辑${props.station.name}`, `Edit ${props.station.name}`)}
        onSubmit={() => update.run({ input: { stationId: props.station.id, name: p().name.trim(), district: p().district.trim(), address: p().address.trim(), latitude: num(p().latitude), longitude: num(p().longitude) } })}>
        <div class="grid2">
          <Field name="name" label={tr("派出所名称", "Station name")} required>{(a) => <input {...a} value={p().name} onInput={(e) => setP({ ...p(), name: e.currentTarget.value })} />}</Field>
          <Field name="district" label={tr("区县", "District")} required>{(a) => <input {...a} value={p().district} onInput={(e) => setP({ ...p(), district: e.currentTarget.value })} />}</Field>
          <Field name="address" label={tr("地址", "Address")}>{(a) => <input {...a} value={p().address} onInput={(e) => setP({ ...p(), address: e.currentTarget.value })} />}</Field>
          <Field name="latitude" label={tr("纬度", "Latitude")}>{(a) => <input {...a} type="number" step="any" value={p().latitude} onInput={(e) => setP({ ...p(), latitude: e.currentTarget.value })} />}</Field>
          <Field name="longitude" label={tr("经度", "Longitude")}>{(a) => <input {...a} type="number" step="any" value={p().longitude} onInput={(e) => setP({ ...p(), longitude: e.currentTarget.value })} />}</Field>
        </div>
        <FormErrors />
        <Submit pending={update.pending()} class="">{tr("保存", "Save")}</Submit>
      </Form>
    </Editor>
  );
}

/** 编辑网格: name, patrol plan (巡防方案), point and radius. */
function EditGrid(props: { grid: GridRow; onChange: () => void }) {
  const init = () => ({ name: props.grid.name, patrolPlan: props.grid.patrolPlan, radiusMeters: text(props.grid.radiusMeters), latitude: text(props.grid.latitude), longitude: text(props.grid.longitude) });
  const [p, setP] = createSignal(init());
  const form = createFormState();
  const update = createAction(UpdateGridDocument, { pick: (d) => d.updateGrid, form, success: () => tr("网格已保存", "Grid saved"), onSuccess: props.onChange });
  return (
    <Editor label={tr(`编辑${props.grid.name}`, `Edit ${props.grid.name}`)}>
      <Form form={form} class="plain-form" label={tr(`编辑网格${props.grid.name}`, `Edit grid ${props.grid.name}`)}
        onSubmit={() => update.run({ input: { gridId: props.grid.id, name: p().name.trim(), patrolPlan: p().patrolPlan.trim(), radiusMeters: num(p().radiusMeters), latitude: num(p().latitude), longitude: num(p().longitude) } })}>
        <div class="grid2">
          <Field name="name" label={tr("网格名称", "Grid name")} required>{(a) => <input {...a} value={p().name} onInput={(e) => setP({ ...p(), name: e.currentTarget.value })} />}</Field>
          <Field name="radiusMeters" label={tr("半径（米）", "Radius (m)")}>{(a) => <input {...a} type="number" min="10" value={p().radiusMeters} onInput={(e) => setP({ ...p(), radiusMeters: e.currentTarget.value })} />}</Field>
          <Field name="latitude" label={tr("纬度", "Latitude")}>{(a) => <input {...a} type="number" step="any" value={p().latitude} onInput={(e) => setP({ ...p(), latitude: e.currentTarget.value })} />}</Field>
          <Field name="longitude" label={tr("经度", "Longitude")}>{(a) => <input {...a} type="number" step="any" value={p().longitude} onInput={(e) => setP({ ...p(), longitude: e.currentTarget.value })} />}</Field>
          <Field name="patrolPlan" label={tr("巡防方案", "Patrol plan")}>{(a) => <textarea {...a} rows="3" value={p().patrolPlan} onInput={(e) => setP({ ...p(), patrolPlan: e.currentTarget.value })} />}</Field>
        </div>
        <FormErrors />
        <Submit pending={update.pending()} class="">{tr("保存网格", "Save grid")}</Submit>
      </Form>
    </Editor>
  );
}

function StationCard(props: { station: Station; onChange: () => void }) {
  const [detail, refetchDetail] = createQuery({ query: CountyStationDocument, variables: () => ({ stationId: props.station.id }), requestPolicy: "cache-and-network" });
  const station = (): StationDetail | null => (detail.data?.node?.__typename === "Station" ? detail.data.node : null);
  const changed = () => (refetchDetail({ requestPolicy: "network-only" }), props.onChange());
  const [community, setCommunity] = createSignal("");
  const [g, setG] = createSignal({ communityId: "", name: "", patrolPlan: "", radiusMeters: "300" });
  const cForm = createFormState();
  const gForm = createFormState();
  const createCommunity = createAction(CreateCommunityDocument, { pick: (d) => d.createCommunity, form: cForm, success: () => tr("社区已添加", "Community added"), onSuccess: () => (setCommunity(""), changed()) });
  const createGrid = createAction(CreateGridDocument, { pick: (d) => d.createGrid, form: gForm, success: () => tr("网格已添加", "Grid added"), onSuccess: () => (setG({ ...g(), name: "", patrolPlan: "" }), changed()) });
  const communities = () => station()?.communities.edges.map((e) => e.node) ?? [];
  const gridsOf = (communityId: string) => (station()?.grids.edges ?? []).filter((e) => e.node.community.id === communityId);
  const communityId = () => g().communityId || communities()[0]?.id || "";
  return (
    <article class="card" data-testid="station">
      <h3>{props.station.name}</h3>
      <Holders label={tr("民警：", "Officers: ")} what={tr("民警", "officer")} holders={(station()?.officers?.edges ?? []).map((e) => e.node)} onChange={changed} />
      <PendingOffers offers={station()?.roleOffers ?? []} total={station()?.roleOfferCount} what={tr("民警", "officer")} onChange={changed} />
      <Show when={station()?.viewerCanUpdate ? station() : null}>{(st) => <EditStation station={st()} onChange={changed} />}</Show>
      <ul class="plain-list">
        <For each={communities()}>
          {(c) => (
            <li>
              <strong>{c.name}</strong>
              <ul>
                <For each={gridsOf(c.id)}>
                  {(e) => (
                    <li>
                      <span data-testid="grid-name">{e.node.name}</span><Show when={e.node.patrolPlan}> · <span class="muted" data-testid="patrol-plan">{e.node.patrolPlan}</span></Show>
                      <Show when={e.node.viewerCanManage}><EditGrid grid={e.node} onChange={changed} /></Show>
                    </li>
                  )}
                </For>
              </ul>
            </li>
          )}
        </For>
      </ul>
      <Form form={cForm} class="plain-form" label={tr(`为${props.station.name}添加社区`, `Add a community to ${props.station.name}`)} onSubmit={() => createCommunity.run({ input: { stationId: props.station.id, name: community().trim() } })}>
        <Field name="name" label={tr("新社区", "New community")} required>{(a) => <input {...a} value={community()} onInput={(e) => setCommunity(e.currentTarget.value)} />}</Field>
        <FormErrors />
        <Submit pending={createCommunity.pending()} class="">{tr("添加社区", "Add community")}</Submit>
      </Form>
      <Show when={communities().length}>
        <Form form={gForm} class="plain-form" label={tr(`为${props.station.name}添加网格`, `Add a grid to ${props.station.name}`)}
          onSubmit={() => createGrid.run({ input: { communityId: communityId(), name: g().name.trim(), patrolPlan: g().patrolPlan.trim() || null, radiusMeters: Number(g().radiusMeters) || null } })}>
          <div class="grid2">
            <Field name="communityId" label={tr("社区", "Community")}>{(a) => <select {...a} value={communityId()} onChange={(e) => setG({ ...g(), communityId: e.currentTarget.value })}><For each={communities()}>{(c) => <option value={c.id} selected={c.id === communityId()}>{c.name}</option>}</For></select>}</Field>
            <Field name="name" label={tr("新网格", "New grid")} required>{(a) => <input {...a} value={g().name} onInput={(e) => setG({ ...g(), name: e.currentTarget.value })} />}</Field>
            <Field name="radiusMeters" label={tr("半径（米）", "Radius (m)")}>{(a) => <input {...a} type="number" min="10" value={g().radiusMeters} onInput={(e) => setG({ ...g(), radiusMeters: e.currentTarget.value })} />}</Field>
            <Field name="patrolPlan" label={tr("巡防方案", "Patrol plan")}>{(a) => <textarea {...a} rows="2" value={g().patrolPlan} onInput={(e) => setG({ ...g(), patrolPlan: e.currentTarget.value })} />}</Field>
          </div>
          <FormErrors />
          <Submit pending={createGrid.pending()} class="">{tr("添加网格", "Add grid")}</Submit>
        </Form>
      </Show>
      <Grant place={{ role: "OFFICER", stationId: props.station.id }} title={tr(`任命${props.station.name}民警`, `Appoint an officer of ${props.station.name}`)} pending={station()?.roleOffers ?? undefined} onChange={changed} />
    </article>
  );
}

function RegionCard(props: { region: Region; onChange: () => void }) {
  const [p, setP] = createSignal({ name: "", district: "", address: "" });
  const form = createFormState();
  const create = createAction(CreateStationDocument, { pick: (d) => d.createStation, form, success: () => tr("派出所已创建", "Station created"), onSuccess: () => (setP({ name: "", district: p().district, address: "" }), props.onChange()) });
  return (
    <section class="card" aria-label={props.region.name}>
      <h2>{props.region.name}</h2>
      <Holders label={tr("区域管理员：", "Region admins: ")} what={tr("区域管理员", "region admin")} holders={props.region.admins.edges.map((e) => e.node)} onChange={props.onChange} />
      <PendingOffers offers={props.region.roleOffers ?? []} total={props.region.roleOfferCount} what={tr("区域管理员", "region admin")} onChange={props.onChange} />
      <Show when={props.region.viewerCanGrantAdmin}>
        <Grant place={{ role: "REGION_ADMIN", regionId: props.region.id }} title={tr("任命区域管理员", "Appoint a region admin")} pending={props.region.roleOffers ?? undefined} onChange={props.onChange} />
      </Show>
      <Show when={props.region.viewerCanCreateStation}>
        <Form form={form} class="plain-form" label={tr("新建派出所", "New station")} onSubmit={() => create.run({ input: { regionId: props.region.id, name: p().name.trim(), city: props.region.city, district: p().district.trim(), address: p().address.trim() || null } })}>
          <h3>{tr("新建派出所", "New station")}</h3>
          <div class="grid2">
            <Field name="name" label={tr("派出所名称", "Station name")} required>{(a) => <input {...a} value={p().name} onInput={(e) => setP({ ...p(), name: e.currentTarget.value })} />}</Field>
            <Field name="district" label={tr("区县", "District")} required>{(a) => <input {...a} value={p().district} onInput={(e) => setP({ ...p(), district: e.currentTarget.value })} />}</Field>
            <Field name="address" label={tr("地址", "Address")}>{(a) => <input {...a} value={p().address} onInput={(e) => setP({ ...p(), address: e.currentTarget.value })} />}</Field>
          </div>
          <FormErrors />
          <Submit pending={create.pending()} class="">{tr("创建派出所", "Create station")}</Submit>
        </Form>
      </Show>
      <For each={props.region.stations.edges}>{(e) => <StationCard station={e.node} onChange={props.onChange} />}</For>
    </section>
  );
}

export default function County() {
  const s = useSession();
  const [county, refetch] = createQuery({ query: CountyDocument, variables: () => ({ admin: s.has("ADMIN") }), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [p, setP] = createSignal({ name: "", city: "" });
  const form = createFormState();
  const createRegion = createAction(CreateRegionDocument, { pick: (d) => d.createRegion, form, success: () => tr("区域已创建", "Region created"), onSuccess: () => (setP({ name: "", city: "" }), again()) });
  return (
    <>
      <h1>{tr("区域与派出所", "Regions and stations")}</h1>
      <Show when={s.has("ADMIN")}>
        <Form form={form} label={tr("新建区域", "New region")} onSubmit={() => createRegion.run({ input: { name: p().name.trim(), city: p().city.trim() || null } })}>
          <h2>{tr("新建区域（市县公安局）", "New region (county or city bureau)")}</h2>
          <div class="grid2">
            <Field name="name" label={tr("名称", "Name")} required>{(a) => <input {...a} placeholder="诸暨市公安局" value={p().name} onInput={(e) => setP({ ...p(), name: e.currentTarget.value })} />}</Field>
            <Field name="city" label={tr("城市", "City")}>{(a) => <input {...a} placeholder="绍兴市" value={p().city} onInput={(e) => setP({ ...p(), city: e.currentTarget.value })} />}</Field>
          </div>
          <FormErrors />
          <Submit pending={createRegion.pending()}>{tr("创建区域", "Create region")}</Submit>
        </Form>
      </Show>
      <QueryView query={county} select={(d) => d.regions?.edges.map((e) => e.node)} retry={again} isEmpty={(r) => r.length === 0} empty={<p class="muted">{tr("还没有区域", "No regions yet")}</p>}>
        {(regions) => <For each={regions()}>{(r) => <RegionCard region={r} onChange={again} />}</For>}
      </QueryView>
    </>
  );
}
