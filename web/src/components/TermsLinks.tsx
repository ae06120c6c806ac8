import { tr } from "../lib/i18n";

/** Beside a consent checkbox: the two documents, each in a new tab so nothing typed in the form is lost. */
export function TermsLinks() {
  return (
    <p class="muted terms-links">
      {tr("阅读：", "Read: ")}
      <a href="/rules" target="_blank" rel="noopener">{tr("《义警守则》", "the volunteers' rules")}</a>
      {tr("、", ", ")}
      <a href="/privacy" target="_blank" rel="noopener">{tr("《隐私说明》", "the privacy notice")}</a>
    </p>
  );
}
