import { relayChunks } from './relay-chunks';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../auth/jwt-auth.guard';
import { DomainError, ErrorCode } from '../common/domain-error';
import { ErrorBodyDto } from '../common/error-body.dto';
import { AppConfig } from '../config/app-config';
import { GenerateDto, GenerateResponseDto } from './ai-playground.dto';
import { AiCaller, aiCallerOf, Caller, callOptions } from './ai-caller';
import { GeminiClientService } from './gemini-client.service';
import { GenerateRequest } from './gemini.types';
import { sendSse } from '../http/sse';

/**
 * Try Gemini (through the key rotation) from Swagger UI. Needs a valid access token (keys are pinned per
 * user); with ALLOW_ANONYMOUS=true a call without a token is the anonymous user, pinned by client address.
 */
@ApiTags('ai')
@Authenticated()
@Controller('api/ai')
export class AiPlaygroundController {
  constructor(
    private readonly gemini: GeminiClientService,
    private readonly config: AppConfig,
  ) {}

  @Post('generate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate text with Gemini; the key is chosen and rotated for you' })
  @ApiOkResponse({ type: GenerateResponseDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body (each field named)' })
  @ApiTooManyRequestsResponse({
    type: ErrorBodyDto,
    description: 'Every key is busy, or your own AI request limit is reached (details.scope: user); see Retry-After',
  })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'No usable key (none configured or all disabled)' })
  async generate(@Body() body: GenerateDto, @Caller() caller: AiCaller): Promise<GenerateResponseDto> {
    const r = await this.gemini.generate(callOptions(caller, { model: body.model }), this.request(body));
    return {
      text: r.text,
      model: r.model,
      key_id: r.keyId,
      attempts: r.attempts,
      usage: r.usage
        ? { prompt_tokens: r.usage.promptTokens, candidates_tokens: r.usage.candidatesTokens, total_tokens: r.usage.totalTokens }
        : null,
    };
  }

  @Post('generate/stream')
  @ApiOperation({
    summary: 'Stream generated text as Server-Sent Events',
    description:
      'Events: `meta` {key_id, model, attempts}, then `chunk` {text}…, then `done` {usage, finish_reason}, or `error` {error, details}.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream', schema: { type: 'string', example: 'event: chunk\ndata: {"text":"Hello"}\n\n' } })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto })
  async stream(@Body() body: GenerateDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { chunks, report } = await this.gemini.generateStream(
      callOptions(aiCallerOf(req, res), { model: body.model }),
      this.request(body),
    );
    await sendSse(res, req, async (send) => {
      send('meta', { key_id: report.keyId, model: report.model, attempts: report.attempts });
      const { usage, finishReason } = await relayChunks(chunks, (text) => send('chunk', { text }));
      send('done', { usage, finish_reason: finishReason });
    });
  }

  private request(body: GenerateDto): GenerateRequest {
    const max = this.config.gemini.promptMaxChars;
    if (body.prompt.length > max) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: prompt', {
        prompt: [`prompt must be at most ${max} characters (got ${body.prompt.length})`],
      });
    }
    return {
      contents: [{ role: 'user', text: body.prompt }],
      system: body.system,
      settings: { temperature: body.temperature, maxOutputTokens: body.max_output_tokens },
    };
  }
}
