// SMS gateways behind one interface. `log` (the default) writes what would be sent to the log with the
// phone masked; `http` posts to a gateway (SMS_HTTP_URL, SMS_HTTP_TOKEN, template ids per kind in
// SMS_TEMPLATES) with the notification's idempotency key, so a gateway that keeps keys never sends a
// message twice even when we retry after a crash between its answer and our bookkeeping.
import { config } from "../../config.js";
import { log } from "../../log.js";
import { maskPhone } from "../volunteer/mask.js";

export interface OutgoingSms {
  /** Idempotency key: the notification's id. */
  key: string;
  to: string;
  kind: string;
  templateId: string | null;
  title: string;
  body: string;
}

export class SmsError extends Error {
  constructor(
    message: string,
    /** Retrying cannot help (rejected number, bad template): the message is marked FAILED at once. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface SmsProvider {
  readonly name: string;
  /** Resolves with the gateway's message id; throws (SmsError to say whether to retry) otherwise. */
  send(m: OutgoingSms): Promise<{ providerId: string }>;
}

export const logProvider: SmsProvider = {
  name: "log",
  async send(m) {
    log.info({ sms: { key: m.key, to: maskPhone(m.to), kind: m.kind, templateId: m.templateId, chars: m.title.length + m.body.length } }, "sms (SMS_PROVIDER=log): not sent to a gateway");
    return { providerId: `log-${m.key}` };
  },
};

export function httpProvider(url: string, token: string | undefined, timeoutMs = 10_000): SmsProvider {
  return {
    name: "http",
    async send(m) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": m.key, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ to: m.to, templateId: m.templateId, params: { title: m.title, body: m.body }, text: `【邻舍】${m.title}${m.body ? `：${m.body}` : ""}` }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new SmsError(`gateway unreachable: ${(e as Error).name}`, false);
      }
      const text = await res.text().catch(() => "");
      if (res.ok) {
        let id = "";
        try {
          id = String((JSON.parse(text) as { id?: unknown }).id ?? "");
        } catch {
          /* a gateway that answers without a body */
        }
        return { providerId: id || `http-${m.key}` };
      }
      // 4xx other than timeouts and rate limits will fail the same way again.
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      throw new SmsError(`gateway answered ${res.status}`, permanent);
    },
  };
}

let provider: SmsProvider | null = null;

export function smsProvider(): SmsProvider {
  if (!provider) {
    if (config.sms.provider === "http") {
      if (!config.sms.httpUrl) throw new Error("SMS_PROVIDER=http needs SMS_HTTP_URL");
      provider = httpProvider(config.sms.httpUrl, config.sms.httpToken);
    } else provider = logProvider;
  }
  return provider;
}

/** Tests and the benchmark point the sender at their own gateway. */
export function setSmsProvider(p: SmsProvider | null): void {
  provider = p;
}
