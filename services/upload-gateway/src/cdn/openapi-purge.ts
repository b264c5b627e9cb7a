import { Purge, PurgeAccepted, PurgeRequestBody } from '@ingestkit/contracts';
import { schemaOf, type JsonSchema } from '../docs/openapi-schema';

/** The purge components the document's `$ref`s point at, from the zod contracts. */
export function purgeSchemas(): Record<string, JsonSchema> {
  return {
    Purge: schemaOf(Purge),
    PurgeAccepted: schemaOf(PurgeAccepted),
    PurgeRequestBody: schemaOf(PurgeRequestBody, 'input'),
  };
}
