// createQuery / createSubscription with @urql/solid's arguments and result shape, holding each answer as
// graphcache gives it, in signals. @urql/solid keeps its state in a Solid store: creating one walks the
// operation's whole document (createStore unwraps it), every answer walks the document again and deep-
// reconciles the data, and each read goes through store proxies. On a phone's CPU that was about a third
// of the tasks drawing /shifts. Graphcache already hands back the previous objects where nothing changed,
// so a plain signal (compared by identity) notifies only when the answer did. Answers are read-only.
import { createRequest, type AnyVariables, type CombinedError, type GraphQLRequest, type Operation, type OperationContext, type OperationResult } from "@urql/core";
import { useClient, type CreateQueryArgs, type CreateQueryResult, type CreateSubscriptionArgs, type CreateSubscriptionResult, type SubscriptionHandler } from "@urql/solid";
import { batch, createComputed, createSignal, onCleanup, untrack } from "solid-js";
import { onEnd, pipe, subscribe, type Source } from "wonka";

const read = <T>(v: T | (() => T)): T => (typeof v === "function" ? (v as () => T)() : v);

interface Held<Data, Variables extends AnyVariables> {
  data: () => Data | undefined;
  setData: (d: Data | undefined) => void;
  fetching: () => boolean;
  setFetching: (f: boolean) => void;
  rest: () => { error?: CombinedError; stale: boolean; hasNext: boolean; extensions?: Record<string, unknown>; operation?: Operation<Data, Variables> };
  setRest: (r: { error?: CombinedError; stale: boolean; hasNext: boolean; extensions?: Record<string, unknown>; operation?: Operation<Data, Variables> }) => void;
}

function held<Data, Variables extends AnyVariables>(): Held<Data, Variables> {
  const [data, setData] = createSignal<Data | undefined>(undefined);
  const [fetching, setFetching] = createSignal(false);
  const [rest, setRest] = createSignal<ReturnType<Held<Data, Variables>["rest"]>>({ stale: false, hasNext: false });
  return { data, setData: (d) => setData(() => d), fetching, setFetching, rest, setRest };
}

/** The state object pages read: plain getters over the signals. */
function view<Data, Variables extends AnyVariables>(h: Held<Data, Variables>) {
  return {
    get data() {
      return h.data();
    },
    get fetching() {
      return h.fetching();
    },
    get error() {
      return h.rest().error;
    },
    get stale() {
      return h.rest().stale;
    },
    get hasNext() {
      return h.rest().hasNext;
    },
    get extensions() {
      return h.rest().extensions;
    },
    get operation() {
      return h.rest().operation!;
    },
  };
}

/** Follows the source the `source` signal holds (undefined: paused). */
function follow<Data, Variables extends AnyVariables>(h: Held<Data, Variables>, source: () => Source<OperationResult<Data, Variables>> | undefined, onData: (r: OperationResult<Data, Variables>) => Data | undefined, fetchingWhileOpen: boolean) {
  createComputed(() => {
    const s = source();
    if (!s) {
      h.setFetching(false);
      return;
    }
    h.setFetching(true);
    const { unsubscribe } = pipe(
      s,
      onEnd(() => h.setFetching(false)),
      subscribe((r) =>
        batch(() => {
          h.setData(onData(r));
          h.setRest({ error: r.error, stale: !!r.stale, hasNext: r.hasNext, extensions: r.extensions, operation: r.operation });
          h.setFetching(fetchingWhileOpen);
        }),
      ),
    );
    onCleanup(unsubscribe);
  });
}

/**
 * The operation's source (undefined while paused), started again only when the request's key or one of
 * `also` (policy, context) changes: the variables' accessor running again with equal variables (a new
 * array of the same ids) re-sends nothing.
 */
function operationSource<Data, Variables extends AnyVariables>(
  paused: () => boolean | undefined,
  request: () => GraphQLRequest<Data, Variables>,
  also: () => unknown[],
  start: (req: GraphQLRequest<Data, Variables>) => Source<OperationResult<Data, Variables>>,
) {
  const [source, setSource] = createSignal<Source<OperationResult<Data, Variables>> | undefined>(undefined, { equals: false });
  let last: unknown[] | null = null;
  createComputed(() => {
    if (paused() === true) {
      last = null;
      setSource(undefined);
      return;
    }
    const req = request();
    const now = [req.key, ...also()];
    if (last && now.length === last.length && now.every((v, i) => v === last![i])) return;
    last = now;
    setSource(() => start(req));
  });
  return [source, setSource] as const;
}

/** Same arguments and result as @urql/solid's createQuery (no suspense: the app does not use it). */
export function createQuery<Data = unknown, Variables extends AnyVariables = AnyVariables>(args: CreateQueryArgs<Data, Variables>): CreateQueryResult<Data, Variables> {
  const client = useClient();
  const h = held<Data, Variables>();
  const request = () => createRequest<Data, Variables>(args.query, read(args.variables as Variables) ?? ({} as Variables));
  const [source, setSource] = operationSource(
    () => read(args.pause),
    request,
    () => [read(args.requestPolicy), read(args.context)],
    (req) => client.executeQuery(req, { requestPolicy: read(args.requestPolicy), ...read(args.context) }),
  );
  follow(h, source, (r) => r.data, false);
  const refetch = (opts?: Partial<OperationContext>) => {
    const req = untrack(request);
    setSource(() => client.executeQuery(req, { requestPolicy: untrack(() => read(args.requestPolicy)), ...untrack(() => read(args.context)), ...opts }));
  };
  return [view(h) as CreateQueryResult<Data, Variables>[0], refetch];
}

/** Same arguments and result as @urql/solid's createSubscription, `handler` included. */
export function createSubscription<Data, Result = Data, Variables extends AnyVariables = AnyVariables>(args: CreateSubscriptionArgs<Data, Variables>, handler?: SubscriptionHandler<Data, Result>): CreateSubscriptionResult<Result, Variables> {
  const client = useClient();
  const h = held<Result, Variables>();
  const request = () => createRequest<Data, Variables>(args.query, read(args.variables as Variables) ?? ({} as Variables));
  const [source, setSource] = operationSource(
    () => read(args.pause),
    request,
    () => [read(args.context)],
    (req) => client.executeSubscription(req, read(args.context)),
  );
  follow(
    h as unknown as Held<Data, Variables>,
    source,
    (r) => (r.data === undefined ? (untrack(h.data) as unknown as Data | undefined) : handler ? (handler(untrack(h.data), r.data) as unknown as Data) : r.data),
    true,
  );
  const execute = (opts?: Partial<OperationContext>) => {
    const req = untrack(request);
    setSource(() => client.executeSubscription(req, { ...untrack(() => read(args.context)), ...opts }));
  };
  return [view(h) as unknown as CreateSubscriptionResult<Result, Variables>[0], execute];
}
