import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto';
import { AuthHealthDto, AuthResponseDto, ChangePasswordResponseDto, MeDto, MessageDto, RefreshResponseDto } from './auth-responses.dto';
import { ChangePasswordDto, LoginDto, LogoutDto, RefreshDto, RegisterDto } from './auth.dto';
import { AuthService } from './auth.service';
import { AuthUser, CurrentUser } from './current-user.decorator';
import { Authenticated } from './jwt-auth.guard';
import { DrfErrors } from '../common/error-style';

/** Django's `auth_api` account endpoints, same paths and bodies (trailing slash optional). */
@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @DrfErrors()
  @Post('register')
  @ApiOperation({ summary: 'Create an account (with its profile) and sign in' })
  @ApiCreatedResponse({ type: AuthResponseDto, description: "message: 'User registered successfully'" })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, passwords that differ, a weak password or a taken username' })
  register(@Body() body: RegisterDto): Promise<AuthResponseDto> {
    return this.auth.register(body);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with username and password' })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: "{ error: 'Invalid credentials' }" })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Too many failed attempts for this username or address; see Retry-After' })
  login(@Body() body: LoginDto, @Ip() ip: string): Promise<AuthResponseDto> {
    return this.auth.login(body, ip);
  }

  @Post('token/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; the old refresh token stops working' })
  @ApiOkResponse({ type: RefreshResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Invalid, expired or already used refresh token' })
  refresh(@Body() body: RefreshDto): Promise<RefreshResponseDto> {
    return this.auth.refresh(body);
  }

  @Post('logout')
  @HttpCode(200)
  @Authenticated({ allowAnonymous: false })
  @ApiOperation({ summary: 'Revoke the refresh token sent (and the access token used)' })
  @ApiOkResponse({ type: MessageDto })
  logout(@CurrentUser() user: AuthUser, @Body() body: LogoutDto): Promise<MessageDto> {
    return this.auth.logout(user, body);
  }

  @Get('user/me')
  @Authenticated({ allowAnonymous: false })
  @ApiOperation({ summary: 'The signed-in user and their profile' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() user: AuthUser): Promise<MeDto> {
    return this.auth.me(user);
  }

  @Post('change-password')
  @HttpCode(200)
  @Authenticated({ allowAnonymous: false })
  @ApiOperation({ summary: 'Change your password; every token issued before stops working, and this session gets a fresh pair' })
  @ApiOkResponse({ type: ChangePasswordResponseDto, description: "message: 'Password changed successfully', plus the new tokens" })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: "Wrong current password ({ error: 'Current password is incorrect' }) or a weak new one",
  })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto })
  changePassword(@CurrentUser() user: AuthUser, @Body() body: ChangePasswordDto, @Ip() ip: string): Promise<ChangePasswordResponseDto> {
    return this.auth.changePassword(user, body, ip);
  }

  @Get('health')
  @Authenticated({ allowAnonymous: false })
  @ApiOperation({ summary: 'Auth service check for a signed-in user' })
  @ApiOkResponse({ type: AuthHealthDto })
  health(@CurrentUser() user: AuthUser): AuthHealthDto {
    return this.auth.health(user);
  }
}
