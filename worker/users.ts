import { eq } from "drizzle-orm";
import { z } from "zod";
import { hashPassword } from "./auth/password";
import { roleSchema, type Role } from "./auth/principal";
import { users } from "./db/schema";
import type { Db } from "./env";

export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(8, "password must be at least 8 characters").max(1024),
  role: roleSchema.default("user"),
});
export type NewUser = z.input<typeof newUserSchema>;

/** Creates a user, or replaces the password and roles of an existing one with the same email. */
export async function upsertUser(db: Db, input: NewUser): Promise<{ id: string; email: string; roles: Role[]; created: boolean }> {
  const { email, password, role } = newUserSchema.parse(input);
  const roles: Role[] = role === "admin" ? ["user", "admin"] : ["user"];
  const passwordHash = await hashPassword(password);
  const existing = await db.query.users.findFirst({ where: eq(users.email, email) });
  if (existing) {
    await db.update(users).set({ passwordHash, roles }).where(eq(users.id, existing.id));
    return { id: existing.id, email, roles, created: false };
  }
  const id = crypto.randomUUID();
  await db.insert(users).values({ id, email, passwordHash, roles });
  return { id, email, roles, created: true };
}
