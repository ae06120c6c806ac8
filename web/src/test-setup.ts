// Component tests: a clean DOM, storage and toasts between tests.
import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";
import { toast } from "./components/Toast";

afterEach(() => {
  cleanup();
  toast.clear();
  localStorage.clear();
});
