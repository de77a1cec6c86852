import type { Role } from './roles.js';

export type UserForAuth = {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  roles: Role[];
  unitId: string;
  unitPath: string;
  isActive: boolean;
};

export type AuthStore = {
  findUserByUsername: (username: string) => Promise<UserForAuth | null>;
  findUserBySessionTokenHash: (tokenHash: string, now: Date) => Promise<(UserForAuth & { sessionId: string }) | null>;
  createSession: (input: { userId: string; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null; at: Date }) => Promise<void>;
  touchSession: (sessionId: string, at: Date) => Promise<void>;
  deleteSessionByTokenHash: (tokenHash: string) => Promise<void>;
};

export type AuthDeps = { store: AuthStore; now: () => Date; sessionTtlHours: number };
