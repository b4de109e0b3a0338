import type { UserDetailDto, UserDto } from './auth-responses.dto';
import type { ProfileDto, UpdateProfileDto } from './profile.dto';
import type { ProfileChanges, ProfileWithUser, UserRow } from './users.repository';

/** Rows → the JSON shapes of the Django serializers (snake_case, ISO dates). */

export function toUserDto(u: UserRow): UserDto {
  return { id: u.id, username: u.username, email: u.email, first_name: u.firstName, last_name: u.lastName };
}

export function toUserDetailDto(u: UserRow): UserDetailDto {
  return { ...toUserDto(u), date_joined: u.dateJoined.toISOString() };
}

export function toProfileDto(p: ProfileWithUser): ProfileDto {
  return {
    id: p.id,
    username: p.username,
    email: p.email,
    default_risk_tolerance: p.defaultRiskTolerance,
    default_timeframe: p.defaultTimeframe,
    preferred_symbols: p.preferredSymbols,
    trading_goals: p.tradingGoals,
    strategy_preferences: p.strategyPreferences,
    risk_parameters: p.riskParameters,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    last_active: p.lastActive.toISOString(),
  };
}

/** The writable fields that were sent; read-only ones are dropped. */
export function toProfileChanges(dto: UpdateProfileDto): ProfileChanges {
  const changes: ProfileChanges = {
    defaultRiskTolerance: dto.default_risk_tolerance,
    defaultTimeframe: dto.default_timeframe,
    preferredSymbols: dto.preferred_symbols,
    tradingGoals: dto.trading_goals,
    strategyPreferences: dto.strategy_preferences,
    riskParameters: dto.risk_parameters,
  };
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
}
