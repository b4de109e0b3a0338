import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
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
import { pageNumber } from '../common/page';
import { PathId } from '../common/path-id';
import { CreateDataRequestDto, DataRequestDto, DataRequestPageDto, UpdateDataRequestDto } from './data-crud.dto';
import { DataRequestsService } from './data-requests.service';

/** Django's `DataRequestViewSet` (`/api/data/data-requests/`): your own requests (staff: all). */
@ApiTags('data')
@Authenticated()
@Controller('api/data/data-requests')
export class DataRequestsController {
  constructor(private readonly requests: DataRequestsService) {}

  @Get()
  @ApiOperation({ summary: 'Your data requests, newest first (staff: all of them)' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiOkResponse({ type: DataRequestPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A filter or page that is not valid, named' })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<DataRequestPageDto> {
    return this.requests.list(user, pageNumber(page));
  }

  @Post()
  @ApiOperation({ summary: 'Create a data request (yours; staff: any)' })
  @ApiCreatedResponse({ type: DataRequestDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateDataRequestDto): Promise<DataRequestDto> {
    return this.requests.create(user, body);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'One a data request' })
  @ApiOkResponse({ type: DataRequestDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<DataRequestDto> {
    return this.requests.get(user, id);
  }

  @Put(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Replace a data request (yours; staff: any)' })
  @ApiOkResponse({ type: DataRequestDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateDataRequestDto): Promise<DataRequestDto> {
    return this.requests.update(user, id, body);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Change a data request (yours; staff: any)' })
  @ApiOkResponse({ type: DataRequestDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateDataRequestDto): Promise<DataRequestDto> {
    return this.requests.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', example: 1 })
  @ApiOperation({ summary: 'Delete a data request (yours; staff: any)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.requests.delete(user, id);
  }
}
