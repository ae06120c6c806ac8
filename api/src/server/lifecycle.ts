// Where the process is in its life: /readyz answers 200 only while "ready"; /graphql answers 503
// before (migrating, starting) and keeps serving requests already on their way while draining.
export type Phase = "starting" | "migrating" | "ready" | "draining" | "stopped";

export const lifecycle: { phase: Phase } = { phase: "starting" };
