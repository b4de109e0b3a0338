/**
 * The three validators: StrategyDefinition documents, bot code (the project's static checks) and backtest
 * configs. Bodies arrive raw (the documents have their own schemas); every problem is named by its field.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { backtestConfigSchema, configWarnings, NOT_APPLIED_BY_ENGINE } from './core/backtest-config';
import { reviewCode } from './core/code-review';
import { validateWith } from './core/schema-errors';
import { strategyDefinitionSchema, withMetadata } from './core/strategy-definition';

function invalidDocument(what: string, r: { issues: unknown[]; byField: Record<string, string[]> }): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `Invalid ${what}: ${Object.keys(r.byField).join(', ')}`, r.byField, undefined, {
    status: 'invalid',
    message: `${what[0].toUpperCase()}${what.slice(1)} validation failed`,
    errors: r.issues,
  });
}

@Injectable()
export class ProductionValidationService {
  validateSchema(body: unknown) {
    const r = validateWith(strategyDefinitionSchema, body);
    if (!r.ok) throw invalidDocument('strategy schema', r);
    // eslint-disable-next-line no-restricted-syntax -- recorded timestamp, not a decision
    const validated = withMetadata(r.value, new Date());
    return { status: 'valid', message: 'Strategy schema is valid', validated_data: validated, schema_version: validated.schema_version };
  }

  validateCode(body: unknown) {
    const b = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    if (b.code === undefined || b.code === null || b.code === '') {
      throw new DomainError(ErrorCode.ValidationFailed, 'No code provided', { code: ['code is required'] });
    }
    if (typeof b.code !== 'string')
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: code', { code: ['code must be a string'] });
    if (b.strict_mode !== undefined && typeof b.strict_mode !== 'boolean') {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: strict_mode', {
        strict_mode: ['strict_mode must be a boolean value'],
      });
    }
    const strict = b.strict_mode ?? true;
    const review = reviewCode(b.code);
    if (!review.safe) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Code failed the static checks', { code: review.issues }, undefined, {
        status: 'rejected',
        safe: false,
        message:
          review.errorType === 'sandbox_violation' ? 'Code contains dangerous patterns' : `Code failed the ${review.errorType} check`,
        issues: review.issues,
        error_type: review.errorType,
        line: review.line,
        severity: strict ? 'high' : 'medium',
      });
    }
    return {
      status: 'validated',
      safe: true,
      message: 'Code passed all safety checks',
      formatted_code: review.formattedCode,
      checks_passed: review.checksPassed,
    };
  }

  validateConfig(body: unknown) {
    const r = validateWith(backtestConfigSchema, body);
    if (!r.ok) throw invalidDocument('backtest configuration', r);
    return {
      status: 'valid',
      message: 'Backtest configuration is valid',
      validated_config: r.value,
      warnings: configWarnings(r.value),
      not_applied_by_engine: [...NOT_APPLIED_BY_ENGINE],
    };
  }
}
