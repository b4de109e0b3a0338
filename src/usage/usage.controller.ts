import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, userKey } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { ADMIN_SECURITY, AdminTokenGuard } from '../key-rotation/admin-token.guard';
import { OwnUsageDto, UsageQueryDto, UsageReportDto } from './usage.dto';
import { UsageService } from './usage.service';

@ApiTags('keys')
@ApiBearerAuth(ADMIN_SECURITY)
@UseGuards(AdminTokenGuard)
@Controller('api/keys')
export class KeyUsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('usage')
  @ApiOperation({ summary: 'Gemini requests and tokens per day, key, model and user over the last days (admin)' })
  @ApiOkResponse({ type: UsageReportDto })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No token sent' })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Not the admin token nor a staff user' })
  report(@Query() query: UsageQueryDto): Promise<UsageReportDto> {
    return this.usage.report(query.days);
  }
}

@ApiTags('auth')
@Controller('api/auth')
export class OwnUsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('usage')
  @Authenticated({ allowAnonymous: false })
  @ApiOperation({ summary: 'Your own Gemini calls and tokens today and this month, and your limits' })
  @ApiOkResponse({ type: OwnUsageDto })
  own(@CurrentUser() user: AuthUser): Promise<OwnUsageDto> {
    return this.usage.own(userKey(user)!);
  }
}
