import { Injectable } from '@nestjs/common';
import { AuthUser, requireUserId } from '../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AiContextDto, AiContextPageDto, CreateAiContextDto, UpdateAiContextDto } from './ai-context.dto';
import { AiContextChanges, AiContextRow, AiContextsRepository } from './ai-contexts.repository';
import { PAGE_SIZE, pageOf } from '../common/page';

export function toAiContextDto(r: AiContextRow): AiContextDto {
  return {
    id: r.id,
    username: r.username,
    session_name: r.sessionName,
    instructions: r.instructions,
    context_data: r.contextData,
    is_active: r.isActive,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    last_used: r.lastUsed.toISOString(),
  };
}

function changesOf(b: UpdateAiContextDto): AiContextChanges {
  const c: AiContextChanges = {};
  if (b.session_name !== undefined) c.sessionName = b.session_name;
  if (b.instructions !== undefined) c.instructions = b.instructions;
  if (b.context_data !== undefined) c.contextData = b.context_data;
  if (b.is_active !== undefined) c.isActive = b.is_active;
  return c;
}

/** Django's `AIContextViewSet`: the caller's own contexts (staff see all), newest use first. */
@Injectable()
export class AiContextsService {
  constructor(private readonly repo: AiContextsRepository) {}

  async list(user: AuthUser, page: number): Promise<AiContextPageDto> {
    requireUserId(user);
    const { count, rows } = await this.repo.list(user.isStaff ? undefined : user.id!, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(toAiContextDto));
  }

  /** The caller's context; someone else's is "not found", exactly like a missing one. */
  async own(user: AuthUser, id: number): Promise<AiContextRow> {
    requireUserId(user);
    const row = await this.repo.byId(id);
    if (!row || (!user.isStaff && row.userId !== user.id))
      throw new DomainError(ErrorCode.NotFound, 'Not found', 'No AI context with that id belongs to you');
    return row;
  }

  async get(user: AuthUser, id: number): Promise<AiContextDto> {
    return toAiContextDto(await this.own(user, id));
  }

  async create(user: AuthUser, b: CreateAiContextDto): Promise<AiContextDto> {
    const userId = requireUserId(user);
    const row = await this.repo.create(
      userId,
      { sessionName: b.session_name, instructions: b.instructions ?? '', contextData: b.context_data ?? {}, isActive: b.is_active ?? true },
      // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
      new Date(),
    );
    return toAiContextDto(row);
  }

  async update(user: AuthUser, id: number, b: UpdateAiContextDto): Promise<AiContextDto> {
    const row = await this.own(user, id);
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    return toAiContextDto(await this.repo.update(row.id, changesOf(b), new Date()));
  }

  async setActive(user: AuthUser, id: number, isActive: boolean): Promise<AiContextDto> {
    const row = await this.own(user, id);
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    return toAiContextDto(await this.repo.update(row.id, { isActive }, new Date()));
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    const row = await this.own(user, id);
    await this.repo.delete(row.id);
  }

  /**
   * The instructions of the caller's own active context for a chat turn, marking it used. Unknown,
   * foreign or inactive → 404.
   */
  async instructionsForChat(user: AuthUser, id: number): Promise<string> {
    const row = await this.repo.byId(id);
    if (!row || row.userId !== user.id || !row.isActive)
      throw new DomainError(ErrorCode.NotFound, 'Not found', 'No active AI context with that id belongs to you');
    // eslint-disable-next-line no-restricted-syntax -- row timestamp, not a decision
    await this.repo.touch(row.id, new Date());
    return row.instructions;
  }

  /**
   * The instructions of the context a session keeps (Django used `session.ai_context` on every later
   * message, active or not); undefined when it was deleted or is not the caller's.
   */
  async storedInstructions(user: AuthUser, id: number): Promise<string | undefined> {
    const row = await this.repo.byId(id);
    return row && row.userId === user.id ? row.instructions : undefined;
  }
}
