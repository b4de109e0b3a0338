import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** Port for password hashing, so services never import the native library. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  /** `false` for a wrong password and for a hash it cannot read; never throws for either. */
  abstract verify(hash: string, password: string): Promise<boolean>;
}

/** argon2id with the library's defaults (64 MiB, 3 passes, 4 lanes); the parameters travel in the hash. */
@Injectable()
export class Argon2PasswordHasher extends PasswordHasher {
  override hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  override async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
