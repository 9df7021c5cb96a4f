import { z } from 'zod';
import { ADMIN_SCOPE } from '@latchkey/contracts';
import { defineConfigSlice, envInteger, envJson } from '@latchkey/config';

/** An API name in `/api/services/v1/<api>`: lower-case letters, digits and dashes. */
export const API_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A scope name as OAuth applications declare them (RFC 6749 §3.3 characters, starting with a letter or digit). */
const SCOPE_NAME = /^[A-Za-z0-9][\x21\x23-\x5b\x5d-\x7e]{0,199}$/;
const MAX_SCOPES = 100;

const UpstreamSchema = z.strictObject({
  /** Where the API listens: the gateway sends `/api/services/v1/<api>/<rest>?<query>` to `<url>/<rest>?<query>`. */
  url: z
    .string()
    .refine((text) => URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol), 'must be an http(s) URL')
    .refine((text) => !URL.canParse(text) || (new URL(text).search === '' && new URL(text).hash === ''), 'must have no query or fragment'),
  /** The `aud` of the internal tokens minted for it: what the API verifies. */
  audience: z.string().min(1).max(256),
  /**
   * The scopes that belong to this API: a token for its audience carries only these, and a request naming any
   * other scope for it is refused. Required, and never empty: a security product fails closed, so an upstream
   * configured before scopes were bound to audiences stops the boot with this message instead of minting
   * tokens for any scope.
   */
  scopes: z
    .array(z.string().regex(SCOPE_NAME, 'scope names are RFC 6749 scope tokens starting with a letter or digit, e.g. "testapi.read"'), {
      error: (issue) => (issue.input === undefined ? 'is required: list the scopes that belong to this API, e.g. ["testapi.read"]' : undefined),
    })
    .min(1, 'must list at least one scope')
    .max(MAX_SCOPES, `at most ${MAX_SCOPES} scopes`)
    // The admin scope belongs to the admin APIs' audience alone (LATCHKEY_EXCHANGE_ADMIN_AUDIENCE).
    .refine((scopes) => !scopes.includes(ADMIN_SCOPE), `${ADMIN_SCOPE} belongs to the admin APIs' audience, not to an upstream API`)
    .transform((scopes) => [...new Set(scopes)]),
});

/** One upstream API of the gateway. */
export type Upstream = z.output<typeof UpstreamSchema>;

/**
 * `{"<api>": {"url", "audience", "scopes"}}` as JSON. Each API's problems are prefixed with its name and field
 * (`testapi.scopes: is required: …`), since a configuration error lists messages, not zod paths.
 */
function envUpstreams() {
  return envJson(
    z.record(z.string(), z.unknown()).transform((apis, ctx) => {
      const upstreams: Record<string, Upstream> = {};
      for (const [api, value] of Object.entries(apis)) {
        if (!API_NAME.test(api)) {
          ctx.addIssue({ code: 'custom', message: `${JSON.stringify(api.slice(0, 64))}: API names are lower-case letters, digits and dashes` });
          continue;
        }
        const parsed = UpstreamSchema.safeParse(value);
        if (parsed.success) {
          upstreams[api] = parsed.data;
          continue;
        }
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${[api, ...issue.path].join('.')}: ${issue.message}` });
      }
      return upstreams;
    }),
    'JSON object {"<api>": {"url", "audience", "scopes": [...]}}',
  );
}

/** The gateway's upstream APIs, and the audiences (with their scopes) the standard endpoint may mint for (docs/EXCHANGE.md). */
export const gatewayConfig = defineConfigSlice('exchange-gateway', {
  LATCHKEY_EXCHANGE_UPSTREAMS: envUpstreams()
    .default({})
    .describe(
      'The APIs behind the gateway: `{"testapi": {"url": "http://127.0.0.1:3010", "audience": "api://latchkey-testapi", "scopes": ["testapi.read", "testapi.write"]}}`. `POST|GET /api/services/v1/<api>/…` is exchanged and forwarded to `<url>/…`; the internal token carries the API’s `audience`. Their audiences are also the only ones `POST /oauth2/token` mints for (besides LATCHKEY_EXCHANGE_ADMIN_AUDIENCE). `scopes` (required, not empty) are the scopes that belong to the API: a request for its audience naming any other scope is refused (`invalid_target`), and `latchkey.admin` may not be listed. Upstreams sharing an audience share their scopes. Empty: the gateway answers 404 for every API.',
    ),
  LATCHKEY_EXCHANGE_UPSTREAM_TIMEOUT_MS: envInteger({ min: 100, max: 120_000 })
    .default(30_000)
    .describe('How long the gateway waits for an upstream API’s answer before answering 504.'),
});
