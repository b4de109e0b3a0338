import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ApiDocs } from '../../common/api-docs';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { optionalId, pageNumber, PathId } from './params';
import { ValidationDto, ValidationPageDto } from './records.dto';
import { RecordsService } from './records.service';
import { DrfErrors } from '../../common/error-style';

/** Django's `StrategyValidationViewSet` (`/api/strategies/validations/`, read-only). */
@ApiTags('strategies')
@Authenticated()
@DrfErrors()
@Controller('api/strategies/validations')
export class ValidationsController {
  constructor(private readonly records: RecordsService) {}

  @Get()
  @ApiOperation({ summary: 'Validation runs of your strategies (staff: all), newest first' })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiQuery({ name: 'strategy', required: false, example: 7, description: 'Only this strategy' })
  @ApiOkResponse({ type: ValidationPageDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  list(@CurrentUser() user: AuthUser, @Query('page') page?: string, @Query('strategy') strategy?: string): Promise<ValidationPageDto> {
    return this.records.listValidations(user, pageNumber(page), optionalId(strategy, 'strategy'));
  }

  @Get(':id')
  @ApiDocs({
    summary: 'One validation run',
    id: 1,
    ok: ValidationDto,
    400: 'id is not a positive integer',
    404: 'No such validation, or not on your strategy',
  })
  get(@CurrentUser() user: AuthUser, @PathId('id') id: number): Promise<ValidationDto> {
    return this.records.getValidation(user, id);
  }
}
