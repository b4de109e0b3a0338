import { Injectable } from '@nestjs/common';
import { AuthUser, requireUserId } from '../../auth/current-user.decorator';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { pageOf } from '../../common/page';
import { StrategiesRepository } from '../strategies.repository';
import { canSee } from '../../auth/ownership';
import { CommentDto, CommentPageDto, CreateCommentDto, UpdateCommentDto } from './comments.dto';
import { CommentChanges, CommentRow, CommentsRepository } from './comments.repository';
import { invalid, iso, noSuchStrategy, PAGE_SIZE } from './params';

export function commentJson(c: CommentRow): CommentDto {
  return {
    id: c.id,
    strategy: c.strategyId,
    strategy_name: c.strategyName,
    author: c.authorId,
    author_username: c.authorUsername,
    content: c.content,
    rating: c.rating,
    is_review: c.isReview,
    parent: c.parentId,
    created_at: iso(c.createdAt)!,
    updated_at: iso(c.updatedAt)!,
  };
}

/**
 * Django's `StrategyCommentViewSet`. You see the comments on strategies you can see; you comment as
 * yourself (a signed-in account), and only the author (or staff) changes or deletes a comment (403).
 */
@Injectable()
export class CommentsService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly strategies: StrategiesRepository,
  ) {}

  async list(user: AuthUser, page: number, strategyId: number | undefined): Promise<CommentPageDto> {
    const { count, rows } = await this.comments.list(user, strategyId, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return pageOf(count, page, PAGE_SIZE, rows.map(commentJson));
  }

  async get(user: AuthUser, id: number): Promise<CommentDto> {
    return commentJson(await this.visible(user, id));
  }

  async create(user: AuthUser, b: CreateCommentDto): Promise<CommentDto> {
    const authorId = requireUserId(user);
    const s = await this.strategies.byId(b.strategy);
    if (!s || !canSee(user, s.createdBy)) throw noSuchStrategy('strategy', b.strategy);
    if (b.parent != null) await this.checkParent(user, b.parent, b.strategy, undefined);
    const row = await this.comments.create({
      strategyId: b.strategy,
      authorId,
      content: b.content,
      rating: b.rating ?? null,
      isReview: b.is_review ?? false,
      parentId: b.parent ?? null,
    });
    return commentJson(row);
  }

  async update(user: AuthUser, id: number, b: UpdateCommentDto): Promise<CommentDto> {
    const row = await this.authored(user, id);
    if (b.strategy !== undefined && b.strategy !== row.strategyId)
      throw invalid('strategy', 'The strategy of a comment cannot be changed.');
    if (b.parent != null) await this.checkParent(user, b.parent, row.strategyId, row.id);
    const c: CommentChanges = {};
    if (b.content !== undefined) c.content = b.content;
    if (b.rating !== undefined) c.rating = b.rating;
    if (b.is_review !== undefined) c.isReview = b.is_review;
    if (b.parent !== undefined) c.parentId = b.parent;
    return commentJson(await this.comments.update(row.id, c));
  }

  /** Deletes the comment and the replies below it. */
  async delete(user: AuthUser, id: number): Promise<void> {
    const row = await this.authored(user, id);
    await this.comments.deleteWithReplies(row.id);
  }

  /** The comment when its strategy is one `user` can see; 404 otherwise. */
  private async visible(user: AuthUser, id: number): Promise<CommentRow> {
    const row = await this.comments.byId(id);
    if (!row || !canSee(user, row.ownerId)) throw new DomainError(ErrorCode.NotFound, 'Comment not found', { id });
    return row;
  }

  /** The comment when `user` wrote it (or is staff): 401 for nobody, 404 unseen, 403 someone else's. */
  private async authored(user: AuthUser, id: number): Promise<CommentRow> {
    const userId = requireUserId(user);
    const row = await this.visible(user, id);
    if (!user.isStaff && row.authorId !== userId)
      throw new DomainError(ErrorCode.Forbidden, 'Only the author may change this comment', { id });
    return row;
  }

  /**
   * A parent is a comment on the same strategy, and not the comment itself or one of its replies. One on a
   * strategy the caller cannot see answers exactly like a missing one (its existence is not revealed).
   */
  private async checkParent(user: AuthUser, parentId: number, strategyId: number, selfId: number | undefined): Promise<void> {
    const parent = await this.comments.byId(parentId);
    if (!parent || !canSee(user, parent.ownerId)) throw invalid('parent', `Invalid pk "${parentId}" - object does not exist.`);
    if (parent.strategyId !== strategyId) throw invalid('parent', 'The parent must be a comment on the same strategy.');
    if (selfId !== undefined && (parentId === selfId || (await this.comments.descendants(selfId)).includes(parentId))) {
      throw invalid('parent', 'A comment cannot be a reply to itself or to one of its replies.');
    }
  }
}
