import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { Authenticated } from '../auth/jwt-auth.guard';
import { ApiDocs } from '../common/api-docs';
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
  @ApiDocs({
    summary: 'Your data requests, newest first (staff: all of them)',
    page: true,
    ok: DataRequestPageDto,
    400: 'A filter or page that is not valid, named',
  })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string): Promise<DataRequestPageDto> {
    return this.requests.list(user, pageNumber(page));
  }

  @Post()
  @ApiDocs({ summary: 'Create a data request (yours; staff: any)', created: DataRequestDto, 400: true, 403: true })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateDataRequestDto): Promise<DataRequestDto> {
    return this.requests.create(user, body);
  }

  @Get(':id')
  @ApiDocs({ summary: 'One a data request', id: 1, ok: DataRequestDto, 404: true })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<DataRequestDto> {
    return this.requests.get(user, id);
  }

  @Put(':id')
  @ApiDocs({ summary: 'Replace a data request (yours; staff: any)', id: 1, ok: DataRequestDto, 400: true, 403: true, 404: true })
  put(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: CreateDataRequestDto): Promise<DataRequestDto> {
    return this.requests.update(user, id, body);
  }

  @Patch(':id')
  @ApiDocs({ summary: 'Change a data request (yours; staff: any)', id: 1, ok: DataRequestDto, 400: true, 403: true, 404: true })
  patch(@CurrentUser() user: AuthUser, @PathId('id') id: number, @Body() body: UpdateDataRequestDto): Promise<DataRequestDto> {
    return this.requests.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDocs({ summary: 'Delete a data request (yours; staff: any)', id: 1, noContent: true, 403: true, 404: true })
  async remove(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<void> {
    await this.requests.delete(user, id);
  }
}
