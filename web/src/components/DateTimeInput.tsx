// A date and a 24-hour time (Asia/Shanghai wall clock), "YYYY-MM-DDTHH:mm". The time is a select of
// quarter hours, so it reads 13:00 whatever the browser's language (a native time input shows 01:00 PM).
import { For } from "solid-js";

const TIMES = Array.from({ length: 96 }, (_, i) => `${String(Math.floor(i / 4)).padStart(2, "0")}:${String((i % 4) * 15).padStart(2, "0")}`);

export function DateTimeInput(props: {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  timeLabel: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
}) {
  const date = () => props.value.slice(0, 10);
  const time = () => props.value.slice(11, 16);
  const times = () => (TIMES.includes(time()) ? TIMES : [...TIMES, time()].sort());
  return (
    <div class="datetime">
      <input id={props.id} type="date" value={date()} aria-invalid={props["aria-invalid"]} aria-describedby={props["aria-describedby"]} onInput={(e) => props.onChange(`${e.currentTarget.value}T${time()}`)} />
      <select aria-label={props.timeLabel} value={time()} onChange={(e) => props.onChange(`${date()}T${e.currentTarget.value}`)}>
        <For each={times()}>{(t) => <option value={t} selected={t === time()}>{t}</option>}</For>
      </select>
    </div>
  );
}
