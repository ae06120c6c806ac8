// 扫码: the phone's back camera reads a QR code. The browser's own BarcodeDetector where it has one
// (Chrome on Android); elsewhere jsQR (pure JavaScript, loaded only when a scan starts) reads frames
// drawn to a canvas. Any failure says so in Chinese, and the post code can always be typed instead.
import { createSignal, onCleanup, onMount, Show } from "solid-js";
import { tr } from "../lib/i18n";

type Detect = (video: HTMLVideoElement) => Promise<string | null>;

interface NativeDetector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
interface NativeDetectorClass {
  new (options: { formats: string[] }): NativeDetector;
  getSupportedFormats(): Promise<string[]>;
}

async function nativeDetector(): Promise<Detect | null> {
  const Native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (!Native) return null;
  try {
    if (!(await Native.getSupportedFormats()).includes("qr_code")) return null;
    const d = new Native({ formats: ["qr_code"] });
    return async (video) => (await d.detect(video))[0]?.rawValue ?? null;
  } catch {
    return null;
  }
}

async function jsqrDetector(): Promise<Detect> {
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const g = canvas.getContext("2d", { willReadFrequently: true })!;
  return async (video) => {
    if (!video.videoWidth) return null;
    // At most 640 px wide: enough for a poster at arm's length, cheap on a phone.
    const scale = Math.min(1, 640 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    g.drawImage(video, 0, 0, canvas.width, canvas.height);
    const img = g.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(img.data, img.width, img.height, { inversionAttempts: "attemptBoth" })?.data ?? null;
  };
}

function cameraProblem(e: unknown): string {
  const name = (e as { name?: string })?.name;
  if (name === "NotAllowedError" || name === "SecurityError")
    return tr("没有相机权限：请在浏览器设置里允许使用相机，或直接输入岗点码", "No camera permission: allow the camera in the browser's settings, or type the post code");
  if (name === "NotFoundError" || name === "OverconstrainedError") return tr("没有找到相机，请输入岗点码", "No camera found: type the post code");
  if (name === "NotReadableError") return tr("相机正被其他应用使用，请关闭后重试，或输入岗点码", "The camera is in use by another app: close it and retry, or type the post code");
  return tr("无法打开相机，请输入岗点码", "The camera could not be opened: type the post code");
}

/** A live camera view that calls `onResult` with the first QR text `accept` takes (then stops). */
export function QrScanner(props: { onResult: (text: string) => void; accept?: (text: string) => boolean; onClose: () => void; rejected?: string }) {
  let video!: HTMLVideoElement;
  let stream: MediaStream | null = null;
  let stopped = false;
  const [problem, setProblem] = createSignal<string | null>(null);
  const [wrong, setWrong] = createSignal(false);
  const [ready, setReady] = createSignal(false);

  const stop = () => {
    stopped = true;
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
  };
  onCleanup(stop);

  onMount(async () => {
    if (!navigator.mediaDevices?.getUserMedia) {
      setProblem(tr("此浏览器无法使用相机（需要 https），请输入岗点码", "This browser can't use the camera here (https is needed): type the post code"));
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (e) {
      setProblem(cameraProblem(e));
      return;
    }
    if (stopped) return stop();
    video.srcObject = stream;
    await video.play().catch(() => {});
    setReady(true);
    const detect = (await nativeDetector()) ?? (await jsqrDetector());
    while (!stopped) {
      const text = await detect(video).catch(() => null);
      if (stopped) return;
      if (text) {
        if (!props.accept || props.accept(text)) {
          stop();
          props.onResult(text);
          return;
        }
        setWrong(true);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  });

  return (
    <div class="scanner" data-testid="qr-scanner">
      <Show
        when={!problem()}
        fallback={
          <p class="scanner-problem" role="alert" data-testid="scanner-problem">
            {problem()}
          </p>
        }
      >
        <video ref={video} class="scanner-video" muted playsinline aria-label={tr("相机取景", "Camera view")} />
        <p class="muted" role="status">
          {wrong()
            ? props.rejected ?? tr("这不是岗点二维码", "That is not a post QR code")
            : ready()
              ? tr("将岗点二维码放入取景框", "Point the camera at the post's QR code")
              : tr("正在打开相机…", "Opening the camera…")}
        </p>
      </Show>
      <button type="button" onClick={() => (stop(), props.onClose())}>{tr("关闭扫码", "Close scanner")}</button>
    </div>
  );
}
