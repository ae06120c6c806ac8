// Photos from the phone's camera (input capture) or its album: previews, remove, and the limits the
// API holds (at most `max`, 10 MB each) said at once instead of after a long upload. Whether a file
// is really a JPEG, PNG or WebP is decided by the API from its bytes; its message shows on the field.
import { createUniqueId, For, onCleanup, Show } from "solid-js";
import type { FormState } from "../lib/form";
import { tr } from "../lib/i18n";

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const ACCEPT = "image/jpeg,image/png,image/webp";

export interface PhotoPickerProps {
  files: File[];
  onChange: (files: File[]) => void;
  /** A refusal to show on the field (null clears it). */
  onProblem: (message: string | null) => void;
  max?: number;
  /** From the Field: the id goes on the album input, so the label names it. */
  id?: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
}

/** The files that may be added, and what was refused and why. */
export function admit(current: readonly File[], picked: readonly File[], max: number): { files: File[]; problem: string | null } {
  const files = [...current];
  const problems: string[] = [];
  for (const f of picked) {
    if (f.size > MAX_PHOTO_BYTES) {
      problems.push(tr(`“${f.name}”太大（${(f.size / 1024 / 1024).toFixed(1)}MB）：每张照片不能超过10MB`, `“${f.name}” is too large (${(f.size / 1024 / 1024).toFixed(1)} MB): at most 10 MB each`));
      continue;
    }
    if (files.length >= max) {
      problems.push(tr(`最多${max}张照片`, `At most ${max} photos`));
      break;
    }
    files.push(f);
  }
  return { files, problem: problems.length ? problems.join("；") : null };
}

/** onProblem for a picker inside a <Form>: the refusal shows on the field `name`, and goes when fixed. */
export const problemOn = (form: FormState, name: string) => (message: string | null) =>
  message ? form.setUserErrors([{ code: "VALIDATION", message, field: ["input", name] }]) : form.clearField(name);

export function PhotoPicker(props: PhotoPickerProps) {
  const max = () => props.max ?? 6;
  const cameraId = `camera-${createUniqueId()}`;
  const urls = new Map<File, string>();
  const urlOf = (f: File) => {
    let u = urls.get(f);
    if (!u) urls.set(f, (u = URL.createObjectURL(f)));
    return u;
  };
  onCleanup(() => urls.forEach((u) => URL.revokeObjectURL(u)));
  const add = (e: Event & { currentTarget: HTMLInputElement }) => {
    // The enclosing Field clears its error on change: this refusal must outlive that.
    e.stopPropagation();
    const input = e.currentTarget;
    const list = input.files;
    if (!list?.length) return;
    const { files, problem } = admit(props.files, [...list], max());
    props.onProblem(problem);
    props.onChange(files);
    input.value = ""; // the same photo can be picked again after removing it
  };
  const remove = (f: File) => {
    const u = urls.get(f);
    if (u) URL.revokeObjectURL(u);
    urls.delete(f);
    props.onProblem(null);
    props.onChange(props.files.filter((x) => x !== f));
  };
  return (
    <div class="photo-picker">
      <div class="row">
        {/* The camera straight away on a phone; the album (several at once) beside it. Both are buttons in the
            page's language: the browser's own file input says "Choose Files / No file chosen" in its own. */}
        <span class="file-pick">
          <input id={cameraId} class="file-hidden" type="file" accept={ACCEPT} capture="environment" disabled={props.files.length >= max()} onChange={add} />
          <label class="button" for={cameraId}>{tr("拍照", "Take a photo")}</label>
        </span>
        <span class="file-pick">
          <input
            id={props.id}
            class="file-hidden"
            type="file"
            accept={ACCEPT}
            multiple={max() > 1}
            disabled={props.files.length >= max()}
            aria-invalid={props["aria-invalid"]}
            aria-describedby={props["aria-describedby"]}
            onChange={add}
          />
          <label class="button" for={props.id}>{tr("从相册选择", "From the album")}</label>
        </span>
      </div>
      <div class="muted">{tr(`JPEG、PNG 或 WebP，最多${max()}张，每张不超过10MB；照片中的位置等信息会被删除`, `JPEG, PNG or WebP, up to ${max()}, 10 MB each; location data in photos is removed`)}</div>
      <Show when={props.files.length}>
        <ul class="photo-list">
          <For each={props.files}>
            {(f, i) => (
              <li>
                <img src={urlOf(f)} alt={tr(`第${i() + 1}张照片预览`, `Preview of photo ${i() + 1}`)} />
                <button type="button" class="photo-remove" aria-label={tr(`移除第${i() + 1}张照片`, `Remove photo ${i() + 1}`)} onClick={() => remove(f)}>×</button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}

/** Thumbnails of stored photos, each opening the full photo. */
export function PhotoStrip(props: { photos: readonly { url: string; thumbnailUrl: string }[]; label: string }) {
  return (
    <Show when={props.photos.length}>
      <ul class="photo-list" aria-label={props.label}>
        <For each={props.photos}>
          {(p, i) => (
            <li>
              <a href={p.url} target="_blank" rel="noopener noreferrer">
                <img src={p.thumbnailUrl} loading="lazy" alt={tr(`${props.label}第${i() + 1}张`, `${props.label} ${i() + 1}`)} />
              </a>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
