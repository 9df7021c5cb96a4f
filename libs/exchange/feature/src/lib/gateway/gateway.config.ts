import { z } from 'zod';
import { defineConfigSlice, envInteger, envJson } from '@latchkey/config';

/** An API name in `/api/services/v1/<api>`: lower-case letters, digits and dashes. */
export const API_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const UpstreamSchema = z.strictObject({
  /** Where the API listens: the gateway sends `/api/services/v1/<api>/<rest>?<query>` to `<url>/<rest>?<query>`. */
  url: z
    .string()
    .refine((text) => URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol), 'must be an http(s) URL')
    .refine((text) => !URL.canParse(text) || (new URL(text).search === '' && new URL(text).hash === ''), 'must have no query or fragment'),
  /** The `aud` of the internal tokens minted for it: what the API verifies. */
  audience: z.string().min(1).max(256),
});

/** One upstream API of the gateway. */
export type Upstream = z.output<typeof UpstreamSchema>;

/** `{"<api>": {"url", "audience"}}` as JSON. */
function envUpstreams() {
  return envJson(
    z.record(z.string().regex(API_NAME, 'API names are lower-case letters, digits and dashes'), UpstreamSchema),
    'JSON object {"<api>": {"url", "audience"}}',
  );
}

/** The gateway's upstream APIs, and the audiences the standard endpoint may mint for (docs/EXCHANGE.md). */
export const gatewayConfig = defineConfigSlice('exchange-gateway', {
  LATCHKEY_EXCHANGE_UPSTREAMS: envUpstreams()
    .default({})
    .describe(
      'The APIs behind the gateway: `{"testapi": {"url": "http://127.0.0.1:3010", "audience": "api://latchkey-testapi"}}`. `POST|GET /api/services/v1/<api>/…` is exchanged and forwarded to `<url>/…`; the internal token carries the API’s `audience`. Their audiences are also the only ones `POST /oauth2/token` mints for. Empty: the gateway answers 404 for every API.',
    ),
  LATCHKEY_EXCHANGE_UPSTREAM_TIMEOUT_MS: envInteger({ min: 100, max: 120_000 })
    .default(30_000)
    .describe('How long the gateway waits for an upstream API’s answer before answering 504.'),
});
