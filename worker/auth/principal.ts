import { z } from "zod";

export const roleSchema = z.enum(["user", "admin"]);
export type Role = z.infer<typeof roleSchema>;

/** Who a verified token speaks for. */
export interface Principal {
  sub: string;
  email: string | null;
  roles: Role[];
  /** "local": a token this service issued; "external": one from the configured identity provider. */
  issuer: "local" | "external";
}
