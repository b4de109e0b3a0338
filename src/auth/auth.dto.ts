import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Django's `UnicodeUsernameValidator`. */
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;
const REQUIRED = { message: 'This field is required.' };
/** Long enough for any passphrase, short enough that hashing stays cheap. */
const PASSWORD_MAX = 512;
const TOKEN_MAX = 4096;

export class RegisterDto {
  @ApiProperty({ example: 'alice', maxLength: 150, description: 'Letters, digits and @ . + - _' })
  @IsDefined(REQUIRED)
  @IsString()
  @IsNotEmpty()
  @MaxLength(150)
  @Matches(USERNAME, { message: 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.' })
  username!: string;

  @ApiProperty({ example: 'alice@example.com', maxLength: 254 })
  @IsDefined(REQUIRED)
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'Enter a valid email address.' })
  email!: string;

  @ApiProperty({
    example: 'Tr4ding-Ideas!2026',
    description: "Django's rules: 8+ characters, not common, not all digits, not like the username/email",
  })
  @IsDefined(REQUIRED)
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password!: string;

  @ApiProperty({ example: 'Tr4ding-Ideas!2026', description: 'Same as password' })
  @IsDefined(REQUIRED)
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password2!: string;

  @ApiPropertyOptional({ example: 'Alice', maxLength: 150 })
  @IsOptional()
  @IsString()
  @MaxLength(150)
  first_name?: string;

  @ApiPropertyOptional({ example: 'Trader', maxLength: 150 })
  @IsOptional()
  @IsString()
  @MaxLength(150)
  last_name?: string;
}

export class LoginDto {
  @ApiProperty({ example: 'alice' })
  @IsDefined(REQUIRED)
  @IsString()
  @IsNotEmpty()
  @MaxLength(150)
  username!: string;

  @ApiProperty({ example: 'Tr4ding-Ideas!2026' })
  @IsDefined(REQUIRED)
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl',
    description: 'The refresh token',
  })
  @IsDefined(REQUIRED)
  @IsString()
  @IsNotEmpty()
  @MaxLength(TOKEN_MAX)
  refresh!: string;
}

export class LogoutDto {
  @ApiPropertyOptional({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl',
    description: 'The refresh token to revoke',
  })
  @IsOptional()
  @IsString()
  @MaxLength(TOKEN_MAX)
  refresh?: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'Tr4ding-Ideas!2026' })
  @IsDefined(REQUIRED)
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  current_password!: string;

  @ApiProperty({ example: 'N3w-Backtest-Season!', description: 'Same rules as at registration' })
  @IsDefined(REQUIRED)
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  new_password!: string;
}
