import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../common/domain-error';
import { IntegerIdPipe } from '../common/path-id';
import { ApiDocs } from '../common/api-docs';
import { ErrorBodyDto } from '../common/error-body.dto';
import { AuthUser, CurrentUser } from './current-user.decorator';
import { Authenticated } from './jwt-auth.guard';
import { ProfileDto, ProfilePageDto, UpdateProfileDto } from './profile.dto';
import { ProfilesService } from './profiles.service';
import { DrfErrors } from '../common/error-style';

const ProfileId = new IntegerIdPipe(() => new DomainError(ErrorCode.NotFound, 'Not found', 'Profile ids are positive integers'));

/** Django's `UserProfileViewSet` (own profile only; it is created with the account, never deleted alone: DELETE resets it). */
@ApiTags('auth')
@Authenticated({ allowAnonymous: false })
@DrfErrors()
@Controller('api/auth/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get()
  @ApiOperation({ summary: 'Your profile as a one-item page' })
  @ApiOkResponse({ type: ProfilePageDto })
  list(@CurrentUser() user: AuthUser): Promise<ProfilePageDto> {
    return this.profiles.list(user);
  }

  @Post()
  @ApiOperation({
    summary: 'Create your profile, or set the given fields on the one you have (every user has exactly one)',
    description: '201 when your account had no profile yet; otherwise 200 with your profile changed like PATCH update_me/.',
  })
  @ApiBody({
    type: UpdateProfileDto,
    examples: { goals: { value: { default_risk_tolerance: 'aggressive', preferred_symbols: ['BTC-USD'] } } },
  })
  @ApiCreatedResponse({ type: ProfileDto, description: 'Your profile, created now' })
  @ApiOkResponse({ type: ProfileDto, description: 'Your existing profile, changed' })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'DRF field errors, each field named' })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: UpdateProfileDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProfileDto> {
    const { profile, created } = await this.profiles.create(user, body);
    res.status(created ? 201 : 200);
    return profile;
  }

  @Get('me')
  @ApiOperation({ summary: 'Your trading profile' })
  @ApiOkResponse({ type: ProfileDto })
  me(@CurrentUser() user: AuthUser): Promise<ProfileDto> {
    return this.profiles.me(user);
  }

  @Patch('update_me')
  @ApiDocs({ summary: 'Change some fields of your profile', ok: ProfileDto, 400: 'Invalid fields, each named' })
  updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateProfileDto): Promise<ProfileDto> {
    return this.profiles.updateMe(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'A profile by id (only your own)', id: 1, ok: ProfileDto, 404: 'No such profile, or not yours' })
  get(@CurrentUser() user: AuthUser, @Param('id', ProfileId) id: number): Promise<ProfileDto> {
    return this.profiles.get(user, id);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change some fields of a profile (only your own)', id: 1, ok: ProfileDto, 400: true, 404: true })
  patch(@CurrentUser() user: AuthUser, @Param('id', ProfileId) id: number, @Body() body: UpdateProfileDto): Promise<ProfileDto> {
    return this.profiles.update(user, id, body);
  }

  @Put(':id')
  @ApiDocs({
    summary: 'Replace the writable fields of a profile (only your own); omitted fields are kept',
    id: 1,
    ok: ProfileDto,
    400: true,
    404: true,
  })
  put(@CurrentUser() user: AuthUser, @Param('id', ProfileId) id: number, @Body() body: UpdateProfileDto): Promise<ProfileDto> {
    return this.profiles.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({
    summary: 'Reset your profile: every preference back to its default (the profile itself stays, one per user)',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: '{"detail": "Not found."}: no such profile, or not yours' })
  async reset(@CurrentUser() user: AuthUser, @Param('id', ProfileId) id: number): Promise<void> {
    await this.profiles.reset(user, id);
  }
}
