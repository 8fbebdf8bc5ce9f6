// npm run user:add -- --email E --password P [--role admin]
import { drizzle } from "drizzle-orm/d1";
import { z } from "zod";
import * as schema from "../db/schema";
import { newUserSchema, upsertUser } from "../users";
import { parseFlags } from "./flags";
import { die, withLocalEnv } from "./local-env";

let flags: Record<string, string>;
try {
  flags = parseFlags(process.argv.slice(2), ["email", "password", "role"]);
} catch (error) {
  die((error as Error).message);
}
const parsed = newUserSchema.safeParse(flags);
if (!parsed.success) die(z.prettifyError(parsed.error).replace(/\n/g, " "));

const user = await withLocalEnv((env) => upsertUser(drizzle(env.DB, { schema }), parsed.data));
console.log(`${user.created ? "created" : "updated"} ${user.email} (${user.roles.join(", ")}) id ${user.id}`);
