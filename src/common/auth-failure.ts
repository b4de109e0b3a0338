import { DomainError, ErrorCode } from './domain-error';

/** One entry of simplejwt's `messages`: which token class refused the token and why. */
export interface TokenMessage {
  token_class: 'AccessToken' | 'RefreshToken';
  token_type: 'access' | 'refresh';
  message: string;
}

/** The body DRF and simplejwt answer an authentication failure with. */
export interface AuthFailureBody {
  detail: string;
  code?: string;
  messages?: TokenMessage[];
}

/**
 * A 401 in the shape the frontend parses: DRF's `{detail}` for missing credentials, simplejwt's
 * `{detail, code: "token_not_valid", messages}` for a refused token. The filter adds `WWW-Authenticate`.
 */
export class AuthFailure extends DomainError {
  constructor(readonly body: AuthFailureBody) {
    super(ErrorCode.Unauthorized, body.detail, body.messages?.[0]?.message);
  }

  /** No `Authorization` header on an endpoint that needs a user. */
  static notProvided(): AuthFailure {
    return new AuthFailure({ detail: 'Authentication credentials were not provided.' });
  }

  /** An access token that is forged, expired, of the wrong type or revoked (simplejwt's JWTAuthentication). */
  static invalidAccessToken(reason: string): AuthFailure {
    if (reason === 'User not found or inactive') return new AuthFailure({ detail: 'User not found', code: 'user_not_found' });
    return new AuthFailure({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: reason }],
    });
  }

  /** A refresh token refused by `/api/auth/token/refresh/` (simplejwt's TokenRefreshView). */
  static invalidRefreshToken(reason: string): AuthFailure {
    return new AuthFailure({ detail: reason, code: 'token_not_valid' });
  }

  /** A stream ticket that is unknown, expired, for another run, or already used on an unfinished run. */
  static invalidStreamTicket(): AuthFailure {
    return new AuthFailure({ detail: 'Stream ticket is invalid, expired or already used', code: 'token_not_valid' });
  }
}
