import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { pageOf } from '../../common/page';
import { isUniqueViolation } from '../../database/database';
import { StrategiesRepository } from '../strategies.repository';
import { canSee } from '../../auth/ownership';
import { templateJson } from '../strategy.serializer';
import { TemplateChanges, TemplateRow, TemplatesRepository } from '../templates.repository';
import { iso, PAGE_SIZE } from './params';
import { RecordsRepository } from './records.repository';
import {
  CreateTemplateDto,
  MAX_CHAT_HISTORY,
  SyncFromStrategyDto,
  SyncFromStrategyResponseDto,
  TemplateContextDto,
  TemplateDto,
  TemplatePageDto,
  UpdateTemplateDto,
} from './templates.dto';

const NAME_TAKEN = { name: ['strategy template with this name already exists.'] };

/**
 * Django's `StrategyTemplateViewSet`. You see your own templates and the system ones (staff: all); others'
 * are "not found". System templates are read-only except for staff (403).
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly strategies: StrategiesRepository,
    private readonly records: RecordsRepository,
  ) {}

  async list(user: AuthUser, page: number, filters: { category?: string; isActive?: boolean }): Promise<TemplatePageDto> {
    const { count, rows } = await this.templates.list(user, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(templateJson));
  }

  /** The template when `user` may see it (own, system, or staff); 404 otherwise. */
  async visible(user: AuthUser, id: number): Promise<TemplateRow> {
    const row = await this.templates.byId(id);
    if (!row || !(row.isSystemTemplate || canSee(user, row.createdBy)))
      throw new DomainError(ErrorCode.NotFound, 'Template not found', { id });
    return row;
  }

  /** The template when `user` may change it: visible, and a system template only for staff (403). */
  private async writable(user: AuthUser, id: number): Promise<TemplateRow> {
    const row = await this.visible(user, id);
    if (row.isSystemTemplate && !user.isStaff)
      throw new DomainError(ErrorCode.Forbidden, 'Cannot modify system templates', 'Only staff may change or delete a system template');
    return row;
  }

  async get(user: AuthUser, id: number): Promise<TemplateDto> {
    return templateJson(await this.visible(user, id));
  }

  async create(user: AuthUser, b: CreateTemplateDto): Promise<TemplateDto> {
    const changes = await this.changesOf(user, b);
    try {
      return templateJson(await this.templates.create({ ...changes, name: b.name, createdBy: user.id }));
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: name', NAME_TAKEN);
      throw e;
    }
  }

  async update(user: AuthUser, id: number, b: UpdateTemplateDto): Promise<TemplateDto> {
    const row = await this.writable(user, id);
    const changes = await this.changesOf(user, b);
    try {
      return templateJson(await this.templates.update(row.id, changes));
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: name', NAME_TAKEN);
      throw e;
    }
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    const row = await this.writable(user, id);
    await this.records.deleteTemplate(row.id);
  }

  /**
   * Copies a strategy's latest code/parameters/description into the template, notes the chat message
   * (history kept to the last 50) and, when the linked strategy is yours, updates it too.
   */
  async syncFromStrategy(user: AuthUser, id: number, b: SyncFromStrategyDto): Promise<SyncFromStrategyResponseDto> {
    const row = await this.visible(user, id);
    if (row.isSystemTemplate && !(b.force_update && user.isStaff)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        'Cannot modify system templates',
        'A system template changes only with force_update=true from a staff account',
      );
    }
    const linked = row.linkedStrategyId != null ? await this.strategies.byId(row.linkedStrategyId) : null;
    const updated = await this.strategies.transaction(async (tx) => {
      const current = (await this.records.lockTemplate(row.id, tx)) ?? row;
      const changes: TemplateChanges = {};
      if (b.strategy_code !== undefined) changes.latestStrategyCode = b.strategy_code;
      if (b.parameters !== undefined) changes.latestParameters = b.parameters;
      if (b.description !== undefined) changes.description = b.description;
      if (b.chat_message !== undefined && b.chat_message !== '') {
        changes.chatHistory = [
          ...current.chatHistory,
          // eslint-disable-next-line no-restricted-syntax -- recorded timestamp, not a decision
          { timestamp: new Date().toISOString(), message: b.chat_message, user: user.username },
        ].slice(-MAX_CHAT_HISTORY);
      }
      const t = await this.templates.update(row.id, changes, tx);
      if (linked && canSee(user, linked.createdBy) && (b.strategy_code !== undefined || b.parameters !== undefined)) {
        await this.strategies.update(
          linked.id,
          {
            ...(b.strategy_code !== undefined ? { strategyCode: b.strategy_code } : {}),
            ...(b.parameters !== undefined ? { parameters: b.parameters } : {}),
          },
          tx,
        );
      }
      return t;
    });
    return { success: true, message: 'Template synced successfully', template: templateJson(updated) };
  }

  /** The template with its linked strategy (when yours) and a summary, as context for the AI. */
  async context(user: AuthUser, id: number): Promise<TemplateContextDto> {
    const row = await this.visible(user, id);
    const s = row.linkedStrategyId != null ? await this.strategies.byId(row.linkedStrategyId) : null;
    const linked =
      s && canSee(user, s.createdBy)
        ? { id: s.id, name: s.name, description: s.description, status: s.status, version: s.version, updated_at: iso(s.updatedAt)! }
        : null;
    return {
      ...templateJson(row),
      linked_strategy: linked,
      context_summary: {
        chat_messages_count: row.chatHistory.length,
        last_update: iso(row.updatedAt)!,
        is_active: row.isActive,
        template_type: row.isSystemTemplate ? 'system' : 'user-generated',
      },
    };
  }

  /** Body → column changes; `is_system_template` only from staff, `linked_strategy` only to your own strategy. */
  private async changesOf(user: AuthUser, b: UpdateTemplateDto): Promise<TemplateChanges> {
    if (b.is_system_template === true && !user.isStaff)
      throw new DomainError(ErrorCode.Forbidden, 'Only staff may create system templates', {
        is_system_template: ['only staff may set this'],
      });
    if (b.linked_strategy != null) {
      const s = await this.strategies.byId(b.linked_strategy);
      if (!s || !canSee(user, s.createdBy)) {
        throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: linked_strategy', {
          linked_strategy: [`Invalid pk "${b.linked_strategy}" - object does not exist.`],
        });
      }
    }
    const c: TemplateChanges = {};
    if (b.name !== undefined) c.name = b.name;
    if (b.description !== undefined) c.description = b.description;
    if (b.category !== undefined) c.category = b.category;
    if (b.template_code !== undefined) c.templateCode = b.template_code;
    if (b.parameters_schema !== undefined) c.parametersSchema = b.parameters_schema;
    if (b.is_active !== undefined) c.isActive = b.is_active;
    if (b.linked_strategy !== undefined) c.linkedStrategyId = b.linked_strategy;
    if (b.is_system_template !== undefined) c.isSystemTemplate = b.is_system_template;
    if (b.latest_strategy_code !== undefined) c.latestStrategyCode = b.latest_strategy_code;
    if (b.latest_parameters !== undefined) c.latestParameters = b.latest_parameters;
    if (b.chat_history !== undefined) c.chatHistory = b.chat_history;
    return c;
  }
}
