import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AuthFailure } from '../common/auth-failure';
import { Clock } from '../common/clock';
import { AuthHealthDto, AuthResponseDto, ChangePasswordResponseDto, MeDto, MessageDto, RefreshResponseDto } from './auth-responses.dto';
import { ChangePasswordDto, LoginDto, LogoutDto, RefreshDto, RegisterDto } from './auth.dto';
import { toProfileDto, toUserDetailDto, toUserDto } from './auth.serializers';
import { AuthUser, requireUserId } from './current-user.decorator';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { passwordProblems } from './password-policy';
import { TokensService } from './tokens.service';
import { TokenValidity } from './token-validity';
import { UserRow, UsersRepository } from './users.repository';

const USERNAME_TAKEN = 'A user with that username already exists.';

function invalid(details: Record<string, string[]>): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `Invalid request: ${Object.keys(details).join(', ')}`, details);
}

function rejectedToken(reason: string): DomainError {
  return AuthFailure.invalidRefreshToken(reason);
}

/** The account use cases of Django's `auth_api`: register, login, refresh, logout, me, change password. */
@Injectable()
export class AuthService {
  /** Verified against when the username is unknown, so both failures take the same time. */
  private decoyHash: Promise<string> | null = null;

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokensService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    private readonly validity: TokenValidity,
  ) {}

  async register(dto: RegisterDto): Promise<AuthResponseDto> {
    if (dto.password !== dto.password2) throw invalid({ password: ["Password fields didn't match."] });
    const errors: Record<string, string[]> = {};
    if (await this.users.findByUsername(dto.username)) errors.username = [USERNAME_TAKEN];
    const weak = passwordProblems(dto.password, dto);
    if (weak.length > 0) errors.password = weak;
    if (Object.keys(errors).length > 0) throw invalid(errors);

    const user = await this.users.createWithProfile(
      {
        username: dto.username,
        email: dto.email,
        passwordHash: await this.hasher.hash(dto.password),
        firstName: dto.first_name ?? '',
        lastName: dto.last_name ?? '',
      },
      this.now(),
    );
    if (!user) throw invalid({ username: [USERNAME_TAKEN] });
    return { user: toUserDto(user), tokens: this.tokens.issuePair(user.id), message: 'User registered successfully' };
  }

  async login(dto: LoginDto, address: string | undefined): Promise<AuthResponseDto> {
    const attempt = await this.throttle.begin(dto.username, address);
    let user: UserRow | null;
    let passwordOk: boolean;
    try {
      user = await this.users.findByUsername(dto.username);
      passwordOk = await this.hasher.verify(user?.passwordHash ?? (await this.decoy()), dto.password);
    } catch (e) {
      await attempt.abandoned();
      throw e;
    }
    if (!user || !passwordOk || !user.isActive) {
      await attempt.failed();
      throw new DomainError(ErrorCode.Unauthorized, 'Invalid credentials');
    }
    await attempt.succeeded();
    await this.users.recordLogin(user.id, this.now());
    return { user: toUserDto(user), tokens: this.tokens.issuePair(user.id), message: 'Login successful' };
  }

  /** Rotation: the refresh token sent is blacklisted and a new pair is issued. */
  async refresh(dto: RefreshDto): Promise<RefreshResponseDto> {
    const checked = await this.tokens.check(dto.refresh, 'refresh');
    if (!checked.ok) throw rejectedToken(checked.reason);
    const { claims } = checked;
    const user = await this.users.findById(claims.user_id);
    if (!user || !user.isActive) throw rejectedToken('User not found or inactive');
    if (!(await this.tokens.revoke(claims.jti, claims.user_id, new Date(claims.exp * 1000)))) throw rejectedToken('Token is blacklisted');
    const pair = this.tokens.issuePair(user.id);
    return { access: pair.access, refresh: pair.refresh };
  }

  /** Revokes the given refresh token (if it is the caller's) and the access token the call came with. */
  async logout(caller: AuthUser, dto: LogoutDto): Promise<MessageDto> {
    const userId = requireUserId(caller);
    let refreshRevoked = true;
    if (dto.refresh) {
      const checked = await this.tokens.check(dto.refresh, 'refresh');
      refreshRevoked =
        checked.ok &&
        checked.claims.user_id === userId &&
        (await this.tokens.revoke(checked.claims.jti, userId, new Date(checked.claims.exp * 1000)));
    }
    if (caller.token) await this.tokens.revoke(caller.token.jti, userId, caller.token.expiresAt);
    return { message: refreshRevoked ? 'Logout successful' : 'Logout successful (token may have already been invalidated)' };
  }

  async me(caller: AuthUser): Promise<MeDto> {
    const user = await this.existing(requireUserId(caller));
    const profile = await this.users.profileOf(user.id);
    if (!profile) throw AuthFailure.invalidAccessToken('User not found or inactive');
    return { user: toUserDetailDto(user), profile: toProfileDto(profile) };
  }

  async changePassword(caller: AuthUser, dto: ChangePasswordDto, address: string | undefined): Promise<ChangePasswordResponseDto> {
    const user = await this.existing(requireUserId(caller));
    const attempt = await this.throttle.begin(user.username, address);
    let passwordOk: boolean;
    try {
      passwordOk = await this.hasher.verify(user.passwordHash, dto.current_password);
    } catch (e) {
      await attempt.abandoned();
      throw e;
    }
    if (!passwordOk) {
      await attempt.failed();
      throw new DomainError(ErrorCode.ValidationFailed, 'Current password is incorrect');
    }
    await attempt.succeeded();
    const weak = passwordProblems(dto.new_password, {
      username: user.username,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
    });
    if (weak.length > 0) throw invalid({ new_password: weak });
    await this.users.setPasswordHash(user.id, await this.hasher.hash(dto.new_password));
    // Every earlier token (other sessions, a stolen one) stops working; this session continues with a fresh pair.
    await this.validity.revokeAllBefore(user.id);
    return { message: 'Password changed successfully', tokens: this.tokens.issuePair(user.id) };
  }

  /** Deactivates an account and revokes every token it holds, on every replica. */
  async deactivate(userId: number): Promise<void> {
    await this.users.setActive(userId, false);
    await this.validity.revokeAllBefore(userId);
  }

  health(caller: AuthUser): AuthHealthDto {
    return { status: 'healthy', service: 'auth_api', user: caller.username, timestamp: this.now().toISOString() };
  }

  private async existing(userId: number): Promise<UserRow> {
    const user = await this.users.findById(userId);
    if (!user || !user.isActive) throw AuthFailure.invalidAccessToken('User not found or inactive');
    return user;
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= this.hasher.hash('decoy password for unknown users');
    return this.decoyHash;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}
