import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Clock } from '../common/clock';
import { toProfileChanges, toProfileDto } from './auth.serializers';
import { AuthUser, requireUserId } from './current-user.decorator';
import { ProfileDto, ProfilePageDto, UpdateProfileDto } from './profile.dto';
import { ProfileWithUser, UsersRepository } from './users.repository';

function found(profile: ProfileWithUser | null): ProfileDto {
  // Someone else's profile is "not found", exactly like a missing one: ids are not confirmed to outsiders.
  if (!profile) throw new DomainError(ErrorCode.NotFound, 'Not found', 'No profile with that id belongs to you');
  return toProfileDto(profile);
}

/** Django's `UserProfileViewSet`: every user sees and changes only their own profile. */
@Injectable()
export class ProfilesService {
  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  async list(caller: AuthUser): Promise<ProfilePageDto> {
    const profile = await this.users.profileOf(requireUserId(caller));
    const results = profile ? [toProfileDto(profile)] : [];
    return { count: results.length, next: null, previous: null, results };
  }

  async me(caller: AuthUser): Promise<ProfileDto> {
    return found(await this.users.profileOf(requireUserId(caller)));
  }

  async get(caller: AuthUser, profileId: number): Promise<ProfileDto> {
    return found(await this.users.profileByIdFor(profileId, requireUserId(caller)));
  }

  async updateMe(caller: AuthUser, dto: UpdateProfileDto): Promise<ProfileDto> {
    const userId = requireUserId(caller);
    return found(await this.users.updateProfile(userId, toProfileChanges(dto), new Date(this.clock.now())));
  }

  /**
   * `POST /api/auth/profiles/`: every user has exactly one profile, so this creates the caller's when the
   * account has none yet (`created`), and otherwise applies the fields to the one they have.
   */
  async create(caller: AuthUser, dto: UpdateProfileDto): Promise<{ profile: ProfileDto; created: boolean }> {
    const userId = requireUserId(caller);
    const existed = await this.users.hasProfile(userId);
    const profile = found(await this.users.updateProfile(userId, toProfileChanges(dto), new Date(this.clock.now())));
    return { profile, created: !existed };
  }

  /** `DELETE /api/auth/profiles/{id}/`: the profile stays (one per user) with every preference back to its default. */
  async reset(caller: AuthUser, profileId: number): Promise<void> {
    const userId = requireUserId(caller);
    found(await this.users.profileByIdFor(profileId, userId));
    await this.users.resetProfile(userId, new Date(this.clock.now()));
  }

  async update(caller: AuthUser, profileId: number, dto: UpdateProfileDto): Promise<ProfileDto> {
    const userId = requireUserId(caller);
    found(await this.users.profileByIdFor(profileId, userId));
    return found(await this.users.updateProfile(userId, toProfileChanges(dto), new Date(this.clock.now())));
  }
}
