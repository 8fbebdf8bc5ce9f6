/** The account `npm start` seeds and prints, and the browser tests sign in with. */
export const DEMO_USER = { email: "demo@nowcast.local", password: "nowcast-demo", role: "admin" } as const;
