import { Injectable } from '@nestjs/common';
import type { AuthUser } from './current-user.decorator';
import { TokensService } from './tokens.service';
import { UsersRepository } from './users.repository';

export type Authentication = { ok: true; user: AuthUser } | { ok: false; reason: string };

/**
 * Access token → the active user it stands for, read from the database on every call (as Django's
 * `JWTAuthentication` does), so a deactivated user or a changed `is_staff` takes effect at once.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokensService,
    private readonly users: UsersRepository,
  ) {}

  async authenticate(accessToken: string): Promise<Authentication> {
    const checked = await this.tokens.check(accessToken, 'access');
    if (!checked.ok) return checked;
    const { claims } = checked;
    const user = await this.users.findById(claims.user_id);
    if (!user || !user.isActive) return { ok: false, reason: 'User not found or inactive' };
    return {
      ok: true,
      user: {
        id: user.id,
        username: user.username,
        isStaff: user.isStaff,
        token: { jti: claims.jti, expiresAt: new Date(claims.exp * 1000) },
      },
    };
  }
}
