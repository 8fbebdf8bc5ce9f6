// npm run token -- --email E [--ttl SECONDS] [--aud A] [--iss I]
// Prints a token for a local user; a negative ttl gives an already expired one.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import { authConfig } from "../auth/config";
import { roleSchema } from "../auth/principal";
import { issueToken } from "../auth/tokens";
import * as schema from "../db/schema";
import { parseFlags } from "./flags";
import { die, withLocalEnv } from "./local-env";

const argsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  ttl: z.coerce.number().int().optional(),
  aud: z.string().min(1).optional(),
  iss: z.string().min(1).optional(),
});

let flags: Record<string, string>;
try {
  flags = parseFlags(process.argv.slice(2), ["email", "ttl", "aud", "iss"]);
} catch (error) {
  die((error as Error).message);
}
const parsed = argsSchema.safeParse(flags);
if (!parsed.success) die(z.prettifyError(parsed.error).replace(/\n/g, " "));
const args = parsed.data;

const token = await withLocalEnv(async (env) => {
  const user = await drizzle(env.DB, { schema }).query.users.findFirst({ where: eq(schema.users.email, args.email) });
  if (!user) die(`no user ${args.email}; create one with npm run user:add`);
  const roles = user.roles.filter((r) => roleSchema.safeParse(r).success) as z.infer<typeof roleSchema>[];
  return issueToken(authConfig(env), { sub: user.id, email: user.email, roles, ttlSeconds: args.ttl, audience: args.aud, issuer: args.iss });
});
console.log(token.token);
