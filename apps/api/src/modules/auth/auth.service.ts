import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionUser } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import { AppError } from '../../lib/errors.js';
import { hashPassword, verifyPassword } from '../../lib/password.js';
import { LoginThrottle } from './login-throttle.js';
import type { Role } from './permissions.js';

/** The signed-in user: one shape shared with the dashboard (`SessionUser` in @switchyard/core). */
export type AuthUser = SessionUser;

export interface AuthSession {
  user: AuthUser;
  sessionId: string;
  csrfToken: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The CSRF token is derived from the session token, so it needs no storage (double-submit). */
export function csrfFor(token: string): string {
  return sha256(`csrf:${token}`).slice(0, 32);
}

export function csrfMatches(token: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(csrfFor(token));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// A real hash to verify against when the account does not exist, so timing does not reveal which emails exist.
let dummyHash: Promise<string> | undefined;

export class AuthService {
  readonly throttle: LoginThrottle;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly opts: { sessionTtlMs: number; now?: () => number; throttle?: LoginThrottle },
  ) {
    this.throttle = opts.throttle ?? new LoginThrottle();
  }

  #now() {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  async login(email: string, password: string, meta: { ip: string; userAgent?: string }) {
    // Counted before the password is checked: concurrent attempts cannot all be evaluated under the limit.
    const slot = await this.throttle.reserve(email, meta.ip);
    if (!slot.ok)
      throw AppError.tooMany(
        `Too many failed sign-ins. Try again in ${slot.retryAfterSeconds} s.`,
        slot.retryAfterSeconds,
      );

    let user;
    let ok: boolean;
    try {
      user = await this.prisma.user.findUnique({
        where: { email },
        include: { memberships: { select: { orgId: true }, orderBy: { createdAt: 'asc' }, take: 1 } },
      });
      ok = user?.passwordHash
        ? await verifyPassword(user.passwordHash, password)
        : (await verifyPassword(await (dummyHash ??= hashPassword('not-a-real-password')), password), false);
    } catch (err) {
      // Not evaluated (database unreachable): the attempt stays counted, like a failure, so an outage is no bypass.
      slot.reservation.failed();
      throw err;
    }
    if (!user || !ok) {
      slot.reservation.failed();
      throw new AppError(401, 'invalid_credentials', 'Wrong email or password.');
    }
    await slot.reservation.succeeded();
    if (user.status !== 'active') {
      throw new AppError(403, 'account_suspended', 'This account is suspended. Ask an administrator.');
    }

    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    await this.prisma.session.create({
      data: {
        tokenHash: sha256(token),
        userId: user.id,
        expiresAt: new Date(now + this.opts.sessionTtlMs),
        ip: meta.ip,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
      },
    });
    await this.prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date(now) } });
    return {
      token,
      csrfToken: csrfFor(token),
      user: toAuthUser({ ...user, orgId: user.memberships[0]?.orgId ?? null }),
      expiresAt: new Date(now + this.opts.sessionTtlMs),
    };
  }

  /** The session behind a token, or null when unknown, expired, or the user is no longer active. */
  async authenticate(token: string): Promise<AuthSession | null> {
    const session = await this.prisma.session.findUnique({
      where: { tokenHash: sha256(token) },
      include: {
        user: {
          include: { memberships: { select: { orgId: true }, orderBy: { createdAt: 'asc' }, take: 1 } },
        },
      },
    });
    if (!session) return null;
    const now = this.#now();
    if (session.expiresAt.getTime() <= now) {
      await this.prisma.session.delete({ where: { id: session.id } }).catch(() => undefined);
      return null;
    }
    if (session.user.status !== 'active') return null;
    // Touch at most once a minute: keeps "last seen" useful without a write per request.
    if (!session.lastSeenAt || now - session.lastSeenAt.getTime() > 60_000) {
      await this.prisma.session
        .update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } })
        .catch(() => undefined);
    }
    const orgId = session.user.memberships[0]?.orgId ?? null;
    return { user: toAuthUser({ ...session.user, orgId }), sessionId: session.id, csrfToken: csrfFor(token) };
  }

  async logout(token: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash: sha256(token) } });
  }

  async changePassword(userId: string, currentPassword: string, newPassword: string, keepSessionId: string) {
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new AppError(400, 'invalid_credentials', 'currentPassword: does not match.', {
        issues: [{ field: 'currentPassword', message: 'does not match' }],
      });
    }
    await this.prisma.user.update({
      where: { id: userId },
      data: { passwordHash: await hashPassword(newPassword) },
    });
    // Every other session of this user ends: a changed password must lock out whoever else had it.
    await this.prisma.session.deleteMany({ where: { userId, id: { not: keepSessionId } } });
  }

  async purgeExpired(): Promise<number> {
    const { count } = await this.prisma.session.deleteMany({
      where: { expiresAt: { lte: new Date(this.#now()) } },
    });
    return count;
  }
}

function toAuthUser(u: {
  id: string;
  email: string;
  name: string | null;
  role: string;
  orgId?: string | null;
  powerLevel?: string | null;
}): AuthUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name ?? u.email,
    role: u.role as Role,
    orgId: u.orgId ?? null,
    powerLevel: u.powerLevel ?? null,
  };
}
