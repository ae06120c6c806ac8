// Typed documents for the web app from the committed schema and the shared operations in schema/operations.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["../schema/operations/**/*.graphql"],
  generates: {
    "src/gql/": {
      preset: "client",
      config: { scalars: { DateTime: "string", ID: "string" }, enumsAsTypes: true, useTypeImports: true, nonOptionalTypename: true },
      presetConfig: { fragmentMasking: false },
    },
  },
  silent: true,
};
export default config;
