import { Show, type JSX } from "solid-js";
import { afterTask } from "../lib/idle";

/** Draws its children in the task after this one: one long task becomes two shorter ones. */
export function AfterTask(props: { children: JSX.Element }) {
  const ready = afterTask();
  return <Show when={ready()}>{props.children}</Show>;
}
