import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../auth/jwt-auth.guard';
import { ErrorBodyDto } from '../../common/error-body.dto';
import { ValidateCodeDto, ValidateFileDto } from './strategy-validation.dto';
import { StrategyValidationService } from './strategy-validation.service';

const REPORT = {
  strategy_name: 'GeneratedStrategy',
  valid: true,
  errors: [],
  warnings: [],
  suggestions: ['Drawdown is well controlled'],
  test_results: { return: 4.2, trades: 6, win_rate: 50, sharpe: 0.8, max_drawdown: 6.1 },
  execution_time: 0.004,
  trades_executed: 6,
  indicators_initialized: true,
};

/** Django's strategies/views_validation.py: `POST /api/strategies/validate/` and `validate-file/`, signed-in users. */
@ApiTags('strategies')
@Authenticated()
@Controller('api/strategies')
export class StrategyValidationController {
  constructor(private readonly validation: StrategyValidationService) {}

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a bot (or canonical JSON) and test it in the sandbox; always 200 with the verdict' })
  @ApiOkResponse({ schema: { example: REPORT } })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: "{ error: 'strategy_code is required' }" })
  validate(@Body() body: ValidateCodeDto) {
    return this.validation.validate(body);
  }

  @Post('validate-file')
  @HttpCode(200)
  @ApiOperation({ summary: 'The same for a bot file inside BOTS_DIR (relative path, no "..")' })
  @ApiOkResponse({ schema: { example: { ...REPORT, strategy_name: 'sma_cross' } } })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: "{ error: 'file_path is required' } or a path leaving BOTS_DIR" })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: "{ error: 'File not found: x.js' }" })
  validateFile(@Body() body: ValidateFileDto) {
    return this.validation.validateFile(body);
  }
}
