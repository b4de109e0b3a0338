import { createSecretKey } from 'node:crypto';
import { Global, Module, OnModuleInit } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { SecretScrubber } from '../logging/secret-scrubber';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator';
import { JwtAuthGuard } from './jwt-auth.guard';
import { LoginThrottle } from './login-throttle';
import { Argon2PasswordHasher, PasswordHasher } from './password-hasher';
import { ProfilesController } from './profiles.controller';
import { ProfilesService } from './profiles.service';
import { TokenBlacklistRepository } from './token-blacklist.repository';
import { TokensService } from './tokens.service';
import { TokenValidity } from './token-validity';
import { AuthCache } from './auth-cache';
import { UsersRepository } from './users.repository';

/**
 * JWT auth compatible with the Django API (users, profiles, token blacklist). Global, so any module can
 * put `@Authenticated()` on its endpoints and read `@CurrentUser()`.
 */
@Global()
@Module({
  controllers: [AuthController, ProfilesController],
  providers: [
    {
      provide: JwtService,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new JwtService({
          // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a PEM public key
          // on every verify (and fails, throwing), which was ~0.3 ms of each signed-in request.
          secret: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')),
          signOptions: { algorithm: 'HS256', issuer: config.auth.issuer },
          verifyOptions: { algorithms: ['HS256'], issuer: config.auth.issuer },
        }),
    },
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    UsersRepository,
    TokenBlacklistRepository,
    TokenValidity,
    TokensService,
    LoginThrottle,
    AuthCache,
    Authenticator,
    AuthService,
    ProfilesService,
    JwtAuthGuard,
  ],
  exports: [Authenticator, JwtAuthGuard, TokenValidity],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly scrubber: SecretScrubber,
  ) {}

  onModuleInit(): void {
    const logger = new AppLogger('Auth');
    this.scrubber.add(this.config.auth.jwtSecret);
    if (this.config.auth.jwtSecretGenerated) {
      logger.warn(
        'JWT_SECRET is not set: using a random secret made at boot; tokens will not survive a restart (set JWT_SECRET, 32+ characters)',
      );
    }
    if (this.config.auth.allowAnonymous) {
      logger.warn('ALLOW_ANONYMOUS=true: requests without a token act as the anonymous user');
    }
  }
}
