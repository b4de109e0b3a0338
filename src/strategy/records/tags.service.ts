import { Injectable } from '@nestjs/common';
import { AuthUser, requireUserId } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { pageOf } from '../../common/page';
import { isUniqueViolation } from '../../database/database';
import { invalid, iso, PAGE_SIZE } from './params';
import { CreateTagDto, TagDto, TagPageDto, UpdateTagDto } from './tags.dto';
import { NewTag, TagRow, TagsRepository } from './tags.repository';

export function tagJson(t: TagRow, strategies: number[]): TagDto {
  return { id: t.id, name: t.name, description: t.description, color: t.color, strategies, created_at: iso(t.createdAt)! };
}

const NAME_TAKEN = { name: ['strategy tag with this name already exists.'] };

/**
 * Django's `StrategyTagViewSet`. Tags are shared: everyone sees every tag, and its `strategies` as far as
 * they can see them. Any signed-in user creates tags and links their own strategies to any tag; renaming,
 * recolouring and deleting a tag is for staff only (the table has no owner column to grant it to a creator).
 */
@Injectable()
export class TagsService {
  constructor(private readonly tags: TagsRepository) {}

  async list(user: AuthUser, page: number): Promise<TagPageDto> {
    const { count, rows } = await this.tags.list(PAGE_SIZE, (page - 1) * PAGE_SIZE);
    const links = await this.tags.visibleLinks(
      user,
      rows.map((r) => r.id),
    );
    return pageOf(
      count,
      page,
      PAGE_SIZE,
      rows.map((r) => tagJson(r, links.get(r.id)!)),
    );
  }

  async get(user: AuthUser, id: number): Promise<TagDto> {
    return this.json(user, await this.existing(id));
  }

  async create(user: AuthUser, b: CreateTagDto): Promise<TagDto> {
    requireUserId(user);
    const strategyIds = await this.yours(user, b.strategies ?? []);
    try {
      return this.json(user, await this.tags.create({ ...changesOf(b), name: b.name }, strategyIds));
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: name', NAME_TAKEN);
      throw e;
    }
  }

  /**
   * Staff change anything; other signed-in users may only send `strategies`, which replaces the tag's links
   * to their own strategies (links to strategies they cannot see stay).
   */
  async update(user: AuthUser, id: number, b: UpdateTagDto): Promise<TagDto> {
    requireUserId(user);
    const row = await this.existing(id);
    const changes = changesOf(b);
    if (!user.isStaff && Object.keys(changes).length > 0) {
      throw new DomainError(
        ErrorCode.Forbidden,
        'Only staff may change a tag',
        'Tags are shared; you may only change which of your strategies carry it (send strategies alone)',
      );
    }
    const strategyIds = b.strategies === undefined ? undefined : await this.yours(user, b.strategies);
    try {
      return this.json(user, await this.tags.update(user, row.id, changes, strategyIds));
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError(ErrorCode.ValidationFailed, 'Invalid request: name', NAME_TAKEN);
      throw e;
    }
  }

  async delete(user: AuthUser, id: number): Promise<void> {
    requireUserId(user);
    const row = await this.existing(id);
    if (!user.isStaff) throw new DomainError(ErrorCode.Forbidden, 'Only staff may delete a tag', { id });
    await this.tags.delete(row.id);
  }

  private async existing(id: number): Promise<TagRow> {
    const row = await this.tags.byId(id);
    if (!row) throw new DomainError(ErrorCode.NotFound, 'Tag not found', { id });
    return row;
  }

  private async json(user: AuthUser, row: TagRow): Promise<TagDto> {
    return tagJson(row, (await this.tags.visibleLinks(user, [row.id])).get(row.id)!);
  }

  /** `ids` without duplicates, or a 400 naming `strategies` when any is not a strategy of yours. */
  private async yours(user: AuthUser, ids: number[]): Promise<number[]> {
    const unique = [...new Set(ids)];
    const seen = new Set(await this.tags.visibleStrategyIds(user, unique));
    const missing = unique.filter((id) => !seen.has(id));
    if (missing.length) throw invalid('strategies', `Invalid pk "${missing[0]}" - object does not exist.`);
    return unique;
  }
}

function changesOf(b: UpdateTagDto): Partial<NewTag> {
  const c: Partial<NewTag> = {};
  if (b.name !== undefined) c.name = b.name;
  if (b.description !== undefined) c.description = b.description;
  if (b.color !== undefined) c.color = b.color;
  return c;
}
