import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/error-body.dto';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../common/domain-error';
import { ADMIN_SECURITY, AdminTokenGuard } from './admin-token.guard';
import { KeyHealthService, KeysHealthReport } from './key-health.service';
import { KeyRotationService } from './key-rotation.service';

export class KeyActionDto {
  @ApiPropertyOptional({ example: 'rotating this key at the provider', description: 'Why (kept in the audit log)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[\w .:-]*$/, { message: 'reason may hold letters, digits, spaces and . : - _' })
  reason?: string;
}

@ApiTags('keys')
@ApiBearerAuth(ADMIN_SECURITY)
@UseGuards(AdminTokenGuard)
@ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No token sent' })
@ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Not the admin token nor a staff user, or key administration disabled' })
@Controller('api/keys')
export class KeyAdminController {
  constructor(
    private readonly rotation: KeyRotationService,
    private readonly health: KeyHealthService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'State, quota use and counters of every Gemini key (admin)' })
  @ApiOkResponse({ description: 'Per-key health; secrets are never shown' })
  report(): Promise<KeysHealthReport> {
    return this.health.report();
  }

  @Post('reload')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-read keys.json and the secret store now (admin)' })
  @ApiOkResponse({ schema: { example: { keys: 4, usable: 4, warnings: [] } } })
  reload(): Promise<{ keys: number; usable: number; warnings: string[] }> {
    return this.rotation.reload({ failOnBadFile: false });
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 'flash_01' })
  @ApiOperation({ summary: 'Take a key out of rotation until enabled again (admin); probes leave it alone' })
  @ApiOkResponse({ schema: { example: { key_id: 'flash_01', state: 'disabled' } } })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid reason' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Unknown key id' })
  async disable(@Param('id') id: string, @Body() body: KeyActionDto): Promise<{ key_id: string; state: string }> {
    this.requireKey(id);
    await this.rotation.disableKey(id, 'manual', { note: body.reason ?? null });
    return { key_id: id, state: 'disabled' };
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiParam({ name: 'id', example: 'flash_01' })
  @ApiOperation({ summary: 'Put a key back into rotation, clearing its cooldown and failure streak (admin)' })
  @ApiOkResponse({ schema: { example: { key_id: 'flash_01', state: 'enabled' } } })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid reason' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'Unknown key id' })
  async enable(@Param('id') id: string, @Body() body: KeyActionDto): Promise<{ key_id: string; state: string }> {
    this.requireKey(id);
    await this.rotation.enableKey(id, body.reason ?? 'manual');
    return { key_id: id, state: 'enabled' };
  }

  private requireKey(id: string): void {
    if (!this.rotation.keyPool.byId.has(id)) throw new DomainError(ErrorCode.NotFound, 'Unknown key', { key_id: id.slice(0, 64) });
  }
}
