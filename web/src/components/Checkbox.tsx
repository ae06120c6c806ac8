// A checkbox sized for a finger: a 24 px box inside a 44 px tall target that includes its label.
import type { JSX } from "solid-js";

export function Checkbox(props: { checked: boolean; onChange: (checked: boolean) => void; children: JSX.Element; disabled?: boolean; name?: string; testId?: string }) {
  return (
    <label class="check" data-testid={props.testId}>
      <input type="checkbox" name={props.name} checked={props.checked} disabled={props.disabled} onChange={(e) => {
        const el = e.currentTarget;
        props.onChange(el.checked);
        // Controlled: the box shows `checked` as given (a failed save leaves it as it was).
        el.checked = props.checked;
      }} />
      <span>{props.children}</span>
    </label>
  );
}
