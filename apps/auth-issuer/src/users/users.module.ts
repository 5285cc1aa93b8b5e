import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HashSlots } from './hash-slots';
import { PasswordHasher } from './password.hasher';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

/** Users and argon2id password hashing (bounded by HashSlots); the server and the CLI both create users. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [HashSlots, PasswordHasher, UsersService],
  exports: [PasswordHasher, UsersService],
})
export class UsersModule {}
