// The password policy of self-service accounts: long enough, and not one of the passwords attackers
// try first (Mozilla's list from Firefox Accounts, shipped in the fxa-common-password-list package).
import { z } from "zod";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

// Loaded on first use: the list is ~240 KB of source that no other request needs.
let commonList: Promise<{ test(password: string): boolean }> | undefined;
function common(): Promise<{ test(password: string): boolean }> {
  commonList ??= import("fxa-common-password-list").then((m) => (m.default ?? m) as { test(password: string): boolean });
  return commonList;
}

export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `password must be at most ${MAX_PASSWORD_LENGTH} characters`);

/** Why a password is refused, or null when it may be used. The email is refused as a password too. */
export async function passwordProblem(password: string, email: string): Promise<string | null> {
  const parsed = newPasswordSchema.safeParse(password);
  if (!parsed.success) return parsed.error.issues[0]!.message;
  const lower = password.toLowerCase();
  if (lower === email.toLowerCase() || lower === email.split("@")[0]!.toLowerCase()) return "password must not be the email address";
  const list = await common();
  if (list.test(password) || list.test(lower)) return "this password is on a list of common passwords; choose another";
  return null;
}
