// A signed-in user's API tokens for programs: create (shown once), list with creation and last use, revoke.
import { createRoute, z } from "@hono/zod-openapi";
import { createApiToken, listApiTokens, MAX_API_TOKENS_PER_USER, revokeApiToken, type ApiTokenView } from "../auth/api-tokens";
import { API_TOKEN_SCOPES } from "../auth/principal";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { accountOf } from "./account";

const errorContent = { content: { "application/json": { schema: errorSchema } } };

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    createdAt: z.string().datetime(),
    lastUsedAt: z.string().datetime().nullable(),
    uses: z.number().int(),
  })
  .openapi("ApiToken");

function tokenJson(t: ApiTokenView): z.infer<typeof tokenSchema> {
  return {
    id: t.id,
    name: t.name,
    scopes: [...API_TOKEN_SCOPES],
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    uses: t.useCount,
  };
}

const listRoute = createRoute({
  method: "get",
  path: "/account/tokens",
  summary: "Your API tokens for programs (never their secrets)",
  responses: {
    200: { description: "Live tokens, newest first", content: { "application/json": { schema: z.object({ tokens: z.array(tokenSchema) }).openapi("ApiTokenList") } } },
    ...errorResponses,
  },
});

const createTokenRoute = createRoute({
  method: "post",
  path: "/account/tokens",
  summary: "Create a named API token; its secret is in this response only",
  description:
    "The token reads nowcasts and places: `curl -H \"Authorization: Bearer nce_...\" \"https://<host>/api/nowcast?place=Helsinki\"`. " +
    "Its requests are counted and limited per token.",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ name: z.string().trim().min(1).max(80) }).openapi("NewApiToken") } },
    },
  },
  responses: {
    201: {
      description: "Created",
      content: { "application/json": { schema: z.object({ token: z.string(), apiToken: tokenSchema }).openapi("CreatedApiToken") } },
    },
    ...errorResponses,
    403: { description: "Not a password account of this service", ...errorContent },
    409: { description: `Already ${MAX_API_TOKENS_PER_USER} live tokens`, ...errorContent },
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/account/tokens/{id}",
  summary: "Revoke an API token; programs using it get 401 from now on",
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: { 204: { description: "Revoked" }, ...errorResponses, 404: { description: "No such live token of yours", ...errorContent } },
});

export const apiTokenRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const tokens = await listApiTokens(c.get("db"), c.get("principal").sub);
    return c.json({ tokens: tokens.map(tokenJson) }, 200);
  })
  .openapi(createTokenRoute, async (c) => {
    const account = await accountOf(c);
    const created = await createApiToken(c.get("db"), account.id, c.req.valid("json").name);
    if (!created) throw new ApiError(409, "too_many_tokens", `revoke one of your ${MAX_API_TOKENS_PER_USER} tokens first`);
    return c.json({ token: created.token, apiToken: tokenJson(created.view) }, 201);
  })
  .openapi(revokeRoute, async (c) => {
    if (!(await revokeApiToken(c.get("db"), c.get("principal").sub, c.req.valid("param").id))) {
      throw new ApiError(404, "not_found", "no such live token of yours");
    }
    return c.body(null, 204);
  });
