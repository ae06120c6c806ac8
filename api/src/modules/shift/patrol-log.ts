// 巡防日志 as a stored event stream: PatrolEvent rows routed by station; leaders filter by team or squad.
import { defineStoredStream } from "../../events/stored-stream.js";

export const patrolLog = defineStoredStream<{ teamId: string; squadId: string | null }>({
  name: "patrolLog",
  table: "PatrolEvent",
  key: "stationId",
  columns: ["teamId", "squadId"],
});
