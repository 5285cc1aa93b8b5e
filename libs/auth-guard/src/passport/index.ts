export { PassportJwtModule } from './passport-jwt.module';
export { AccessTokenStrategy } from './access-token.strategy';
export { JwtAuthGuard } from './jwt-auth.guard';
export { AccessRulesGuard } from './access-rules.guard';
export { BearerChallenge } from './bearer-challenge.exception';
export { BearerChallengeFilter } from './bearer-challenge.filter';
