import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IssuerError } from '../errors/issuer.error';
import { PasswordHasher } from './password.hasher';
import { UserEntity } from './user.entity';

const USERNAME_PATTERN = /^[a-zA-Z0-9._@-]{1,64}$/;
const ROLE_PATTERN = /^[a-z][a-z0-9:_-]{0,31}$/;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
  ) {}

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { username } });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  /** Creates a user, or refuses with a clear code when the name is taken or malformed. */
  async create(username: string, password: string, roles: string[]): Promise<UserEntity> {
    if (!USERNAME_PATTERN.test(username)) throw new IssuerError('invalid_request', 'username must be 1-64 of a-z A-Z 0-9 . _ @ -');
    if (password.length < 8) throw new IssuerError('invalid_request', 'password must be at least 8 characters');
    const badRole = roles.find((role) => !ROLE_PATTERN.test(role));
    if (badRole !== undefined) throw new IssuerError('invalid_request', `role "${badRole}" is not a valid role name`);
    if (await this.findByUsername(username)) throw new IssuerError('conflict', `user ${username} exists`);
    const passwordHash = await this.hasher.hash(password);
    return this.users.save(this.users.create({ username, passwordHash, roles: [...new Set(roles)] }));
  }
}
