import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../common/error-body.dto';
import { pageNumber, PathId } from '../strategy/records/params';
import { ConfigBodyDto, ConfigPatchDto } from './backtests.dto';
import { ConfigsService } from './configs.service';
import { CONFIG_EXAMPLE, page } from './examples';

/** Django's BacktestConfigViewSet (`/api/backtests/configs/`), owners only. */
@ApiTags('backtests')
@Authenticated()
@Controller('api/backtests/configs')
export class ConfigsController {
  constructor(private readonly configs: ConfigsService) {}

  @Get()
  @ApiOperation({ summary: 'Your backtest configs, newest first (50 a page)' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ schema: { example: page(CONFIG_EXAMPLE) } })
  list(@CurrentUser() user: AuthUser, @Query('page') p?: string) {
    return this.configs.list(user, pageNumber(p));
  }

  @Get('templates')
  @ApiOperation({ summary: 'Config templates you can use (yours and shared ones), unpaginated' })
  @ApiOkResponse({ schema: { example: [{ ...CONFIG_EXAMPLE, is_template: true }] } })
  templates(@CurrentUser() user: AuthUser) {
    return this.configs.templates(user);
  }

  @Post()
  @ApiOperation({ summary: 'Create a config' })
  @ApiCreatedResponse({ schema: { example: CONFIG_EXAMPLE } })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid fields, each named' })
  create(@CurrentUser() user: AuthUser, @Body() body: ConfigBodyDto) {
    return this.configs.create(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 3 })
  @ApiOperation({ summary: 'One config (yours or a shared template)' })
  @ApiOkResponse({ schema: { example: CONFIG_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number) {
    return this.configs.get(user, id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 3 })
  @ApiOperation({ summary: 'Replace a config of yours' })
  @ApiOkResponse({ schema: { example: CONFIG_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: ConfigBodyDto) {
    return this.configs.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 3 })
  @ApiOperation({ summary: 'Change some fields of a config of yours' })
  @ApiOkResponse({ schema: { example: CONFIG_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: ConfigPatchDto) {
    return this.configs.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 3 })
  @ApiOperation({ summary: 'Delete a config of yours, with every run made with it' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  delete(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    return this.configs.delete(user, id);
  }
}
