// The history of patrol reports as a stored event stream: PatrolReportEvent rows routed by station,
// replayed from a cursor, so the live command view loses no finding and no triage step.
import { defineStoredStream } from "../../events/stored-stream.js";

export const reportLog = defineStoredStream<{ reportId: string }>({ name: "patrolReports", table: "PatrolReportEvent", key: "stationId", columns: ["reportId"] });
