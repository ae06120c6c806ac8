// Fields that return personal data (phone, ID number, legal name, a contact's name or phone) say
// which policy action decides whether the viewer sees them in full; anyone else sees them masked.
// test/policy.test.ts walks the schema and fails on such a field without this marker.
import type { Action } from "../auth/policy.js";

export const personalData = (action: Action) => ({ personalData: action });
