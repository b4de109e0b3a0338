import { ApiProperty } from '@nestjs/swagger';
import { ProfileDto } from './profile.dto';

const ACCESS_EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwidXNlcl9pZCI6MX0.c2lnbmF0dXJl';
const REFRESH_EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsInVzZXJfaWQiOjF9.c2lnbmF0dXJl';

export class UserDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ example: 'alice@example.com' }) email!: string;
  @ApiProperty({ example: 'Alice' }) first_name!: string;
  @ApiProperty({ example: 'Trader' }) last_name!: string;
}

export class UserDetailDto extends UserDto {
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) date_joined!: string;
}

export class TokenPairDto {
  @ApiProperty({ example: REFRESH_EXAMPLE, description: 'Refresh token, valid 7 days; single use (rotated)' }) refresh!: string;
  @ApiProperty({ example: ACCESS_EXAMPLE, description: 'Access token, valid 1 hour; send as Authorization: Bearer' }) access!: string;
}

export class AuthResponseDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ type: TokenPairDto }) tokens!: TokenPairDto;
  @ApiProperty({ example: 'Login successful' }) message!: string;
}

export class RefreshResponseDto {
  @ApiProperty({ example: ACCESS_EXAMPLE }) access!: string;
  @ApiProperty({ example: REFRESH_EXAMPLE, description: 'A new refresh token; the one sent is now blacklisted' }) refresh!: string;
}

export class MessageDto {
  @ApiProperty({ example: 'Logout successful' }) message!: string;
}

export class ChangePasswordResponseDto {
  @ApiProperty({ example: 'Password changed successfully' }) message!: string;
  @ApiProperty({ type: TokenPairDto, description: 'A fresh pair for this session: every token issued before the change no longer works' })
  tokens!: TokenPairDto;
}

export class MeDto {
  @ApiProperty({ type: UserDetailDto }) user!: UserDetailDto;
  @ApiProperty({ type: ProfileDto }) profile!: ProfileDto;
}

export class AuthHealthDto {
  @ApiProperty({ example: 'healthy' }) status!: 'healthy';
  @ApiProperty({ example: 'auth_api' }) service!: 'auth_api';
  @ApiProperty({ example: 'alice' }) user!: string;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) timestamp!: string;
}
