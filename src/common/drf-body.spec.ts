import { AuthFailure } from './auth-failure';
import { DomainError, ErrorCode } from './domain-error';
import { drfBody, methodNotAllowed } from './drf-body';

describe(drfBody.name, () => {
  it('puts field errors at the top level, as DRF serializers did', () => {
    const e = new DomainError(ErrorCode.ValidationFailed, 'Invalid request: name', {
      name: ['This field is required.'],
      'config.strict_mode': ['must be a boolean'],
    });
    expect(drfBody(e)).toEqual({ name: ['This field is required.'], 'config.strict_mode': ['must be a boolean'] });
  });

  it('wraps a validation error without fields as non_field_errors', () => {
    expect(drfBody(new DomainError(ErrorCode.ValidationFailed, 'Dates are reversed', 'end before start'))).toEqual({
      non_field_errors: ['Dates are reversed'],
    });
  });

  it("answers DRF's 404 text whatever the service said", () => {
    expect(drfBody(new DomainError(ErrorCode.NotFound, 'Strategy not found', { id: 3 }))).toEqual({ detail: 'Not found.' });
  });

  it('gives a refused permission as {detail}', () => {
    expect(drfBody(new DomainError(ErrorCode.Forbidden, 'Only staff may change a tag'))).toEqual({ detail: 'Only staff may change a tag' });
  });

  it('keeps busy and missing dependencies in the service shape (null)', () => {
    expect(drfBody(new DomainError(ErrorCode.KeysExhausted, 'All keys busy', undefined, 5))).toBeNull();
    expect(drfBody(new DomainError(ErrorCode.DatabaseUnavailable, 'Database unavailable'))).toBeNull();
  });

  it("words 405 like DRF's MethodNotAllowed", () => {
    expect(methodNotAllowed('DELETE')).toBe('Method "DELETE" not allowed.');
  });
});

describe(AuthFailure.name, () => {
  it('is simplejwt token_not_valid with one AccessToken message for a refused access token', () => {
    expect(AuthFailure.invalidAccessToken('Token is blacklisted').body).toEqual({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is blacklisted' }],
    });
  });

  it('is user_not_found for a deleted or inactive user', () => {
    expect(AuthFailure.invalidAccessToken('User not found or inactive').body).toEqual({ detail: 'User not found', code: 'user_not_found' });
  });

  it("is DRF's NotAuthenticated text without credentials", () => {
    expect(AuthFailure.notProvided().body).toEqual({ detail: 'Authentication credentials were not provided.' });
  });
});
