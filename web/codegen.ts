// Typed documents for the web app from the committed schema and the shared operations in schema/operations.
// `persistedDocuments` also writes src/gql/persisted-documents.json (sha256 → document): the trusted
// documents the API runs in production (api/src/graphql/trusted-documents.ts); the web sends only the
// hash. `__typename` is added to every selection here, as urql's cache would add it, so the stored
// document is exactly what the cache expects.
import { addTypenameSelectionDocumentTransform, type ClientPresetConfig } from "@graphql-codegen/client-preset";
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["../schema/operations/**/*.graphql"],
  generates: {
    "src/gql/": {
      preset: "client",
      config: { scalars: { DateTime: "string", ID: "string" }, enumsAsTypes: true, useTypeImports: true, nonOptionalTypename: true },
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } } satisfies ClientPresetConfig,
      documentTransforms: [addTypenameSelectionDocumentTransform],
    },
  },
  silent: true,
};
export default config;
