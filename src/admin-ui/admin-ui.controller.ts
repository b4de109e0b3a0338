import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ADMIN_SECURITY, AdminTokenGuard } from '../key-rotation/admin-token.guard';
import { KeyEventDto, KeyEventsRepository } from './key-events.repository';

/** The dashboard's files, read once at boot (plain HTML + JS, no build step). */
const PUBLIC = join(__dirname, 'public');
const FILES = {
  html: readFileSync(join(PUBLIC, 'index.html'), 'utf8'),
  js: readFileSync(join(PUBLIC, 'app.js'), 'utf8'),
};

export class KeyEventsQueryDto {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(500)
  limit?: number;
}

/** The key dashboard at /admin/: a static page that signs in with the admin token or a staff user's JWT. */
@Controller('admin')
export class AdminUiController {
  @Get()
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return FILES.html;
  }

  @Get('app.js')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  script(): string {
    return FILES.js;
  }
}

@ApiTags('keys')
@ApiBearerAuth(ADMIN_SECURITY)
@UseGuards(AdminTokenGuard)
@Controller('api/keys')
export class KeyEventsController {
  constructor(private readonly events: KeyEventsRepository) {}

  @Get('events')
  @ApiOperation({ summary: 'Recent key events (disable, enable, cooldowns, probes), newest first (admin)' })
  @ApiOkResponse({
    description: 'Audit log entries',
    schema: { example: [{ id: 12, key_id: 'flash_01', event: 'disabled', reason: 'manual', at: '2026-11-25T09:30:00.000Z' }] },
  })
  recent(@Query() query: KeyEventsQueryDto): Promise<KeyEventDto[]> {
    return this.events.recent(query.limit ?? 50);
  }
}
