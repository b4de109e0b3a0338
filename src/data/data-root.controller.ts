import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Authenticated } from '../auth/jwt-auth.guard';

const LISTS = ['symbols', 'data-requests', 'market-data', 'indicators', 'indicator-data'] as const;

/** DRF's router root for `/api/data/`: each list route by its absolute URL. */
export function dataRoot(base: string): Record<string, string> {
  return Object.fromEntries(LISTS.map((name) => [name, `${base}/api/data/${name}/`]));
}

@ApiTags('data')
@Authenticated()
@Controller('api/data')
export class DataRootController {
  @Get()
  @ApiOperation({ summary: 'The data API router root: list routes by absolute URL' })
  @ApiOkResponse({ schema: { example: dataRoot('http://localhost:8000') } })
  root(@Req() req: Request): Record<string, string> {
    return dataRoot(`${req.protocol}://${req.get('host') ?? 'localhost'}`);
  }
}
