// Prometheus metrics (prom-client), served at /metrics behind METRICS_TOKEN (api/src/server/ops.ts).
// What each series means: docs/operations.md.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "linshe_" });

export const metrics = {
  requestDuration: new Histogram({
    name: "linshe_http_request_duration_seconds",
    help: "GraphQL requests over HTTP by operation name and type, and HTTP status",
    labelNames: ["operation", "type", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  errors: new Counter({
    name: "linshe_graphql_errors_total",
    help: "GraphQL errors in answers (HTTP and WebSocket) by extensions.code",
    labelNames: ["code"] as const,
    registers: [registry],
  }),
  userErrors: new Counter({
    name: "linshe_user_errors_total",
    help: "Expected mutation failures (userErrors) by code",
    labelNames: ["code"] as const,
    registers: [registry],
  }),
  unavailable: new Counter({
    name: "linshe_service_unavailable_total",
    help: "Answers of SERVICE_UNAVAILABLE by cause (pool_timeout, lock_timeout, statement_timeout, unreachable …)",
    labelNames: ["reason"] as const,
    registers: [registry],
  }),
  sqlStatements: new Counter({
    name: "linshe_sql_statements_total",
    help: "SQL statements sent: by Prisma (requests, sweeper), by the hot pages' own reads and by the stored-event readers",
    labelNames: ["source"] as const,
    registers: [registry],
  }),
  pool: new Gauge({
    name: "linshe_db_pool_connections",
    help: "Connections of the request pool: in_use, idle, and requests waiting for one",
    labelNames: ["state"] as const,
    registers: [registry],
  }),
  sockets: new Gauge({ name: "linshe_websocket_connections", help: "Open graphql-ws connections", registers: [registry] }),
  subscriptions: new Gauge({ name: "linshe_subscriptions", help: "Active GraphQL subscriptions", registers: [registry] }),
  eventsPublished: new Counter({
    name: "linshe_events_published_total",
    help: "Pub/sub messages published by this process, by topic (streamHint: a stored stream has new rows)",
    labelNames: ["topic"] as const,
    registers: [registry],
  }),
  eventsDelivered: new Counter({
    name: "linshe_events_delivered_total",
    help: "Stored events handed to subscriptions, by stream and path (live, replay)",
    labelNames: ["stream", "path"] as const,
    registers: [registry],
  }),
  eventsHeldBack: new Gauge({
    name: "linshe_events_held_back",
    help: "Stored events committed but not yet deliverable (an older transaction is still open), at the last read",
    labelNames: ["stream"] as const,
    registers: [registry],
  }),
  busPublishFailures: new Counter({
    name: "linshe_bus_publish_failures_total",
    help: "Redis publishes that failed (the stored streams still deliver through their timer)",
    registers: [registry],
  }),
  busReconnects: new Counter({ name: "linshe_bus_reconnects_total", help: "Redis reconnection attempts", registers: [registry] }),
  busConnected: new Gauge({ name: "linshe_bus_connected", help: "1 while the Redis subscriber is connected (always 1 without REDIS_URL)", registers: [registry] }),
  sweeperRuns: new Counter({
    name: "linshe_sweeper_runs_total",
    help: "Runs of the shift sweeper by result",
    labelNames: ["result"] as const,
    registers: [registry],
  }),
  smsMessages: new Counter({
    name: "linshe_sms_messages_total",
    help: "SMS outbox results by outcome (sent, retry, failed, over_budget)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  }),
  unhandledRejections: new Counter({ name: "linshe_unhandled_rejections_total", help: "Promise rejections nobody handled (logged)", registers: [registry] }),
};

/** Gauges read when scraped, from objects that live elsewhere (pool, WebSocket server). */
const collectors: (() => void)[] = [];
export function onScrape(collect: () => void): void {
  collectors.push(collect);
}
export async function scrape(): Promise<string> {
  for (const c of collectors) c();
  return registry.metrics();
}
