// The signed-in viewer, shared by all pages.
import { createContext, useContext, type Accessor } from "solid-js";
import type { ViewerInfoFragment } from "../gql/graphql";

export interface Session {
  viewer: Accessor<ViewerInfoFragment | null | undefined>;
  /** The station the viewer works in now (first of theirs by default). */
  stationId: Accessor<string | null>;
  setStationId: (id: string) => void;
  has: (role: string) => boolean;
  refetch: () => void;
}

export const SessionContext = createContext<Session>();
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("SessionContext missing");
  return s;
}
