import { join } from 'node:path';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, GrpcMethod, MessagePattern, MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import type { AccessTokenClaims } from '@app/contract';
import { AuthGuardModule, AuthGuardOptions, CurrentUser, Public, Roles } from '@app/auth-guard';

export const PROTO_PATH = join(__dirname, '..', 'probe.proto');

export type TransportName = 'tcp' | 'redis' | 'nats' | 'grpc';

export interface RpcProbe {
  app: INestMicroservice;
  /** Event payloads the @EventPattern handler ran for, with the caller's sub. */
  events: Array<{ sub: string; data: unknown }>;
  /** Resolves at the next handled event. */
  nextEvent(): Promise<void>;
}

/**
 * A microservice as a team writes it, behind the global guard: handlers under the namespace `ns`
 * (patterns and subjects are shared with other test runs on the same Redis and NATS).
 */
export async function startRpcProbe(transport: TransportName, ns: string, port: number, guard: AuthGuardOptions): Promise<RpcProbe> {
  const events: RpcProbe['events'] = [];
  let wake: () => void = () => undefined;

  @Controller()
  class ProbeController {
    @MessagePattern(`${ns}.whoami`)
    whoami(@Payload() data: unknown, @CurrentUser() user: AccessTokenClaims) {
      return { sub: user.sub, data };
    }

    @MessagePattern(`${ns}.admin`)
    @Roles('admin')
    admin(@CurrentUser() user: AccessTokenClaims) {
      return { sub: user.sub, admin: true };
    }

    @MessagePattern(`${ns}.ping`)
    @Public()
    ping(@Payload() data: unknown) {
      return { pong: data };
    }

    @EventPattern(`${ns}.note`)
    note(@Payload() data: unknown, @CurrentUser() user: AccessTokenClaims) {
      events.push({ sub: user.sub, data });
      wake();
    }

    @GrpcMethod('Probe', 'WhoAmI')
    grpcWhoAmI(@Payload() note: { text: string }, @CurrentUser() user: AccessTokenClaims) {
      return { sub: user.sub, text: note.text };
    }

    @GrpcMethod('Probe', 'Admin')
    @Roles('admin')
    grpcAdmin(note: { text: string }) {
      return { sub: 'admin', text: note.text };
    }
  }

  @Module({ imports: [AuthGuardModule.forRoot(guard)], controllers: [ProbeController] })
  class ProbeModule {}

  const options: Record<TransportName, MicroserviceOptions> = {
    tcp: { transport: Transport.TCP, options: { host: '127.0.0.1', port } },
    redis: { transport: Transport.REDIS, options: { host: '127.0.0.1', port: 6379 } },
    nats: { transport: Transport.NATS, options: { servers: ['nats://127.0.0.1:4222'] } },
    grpc: { transport: Transport.GRPC, options: { package: 'probe', protoPath: PROTO_PATH, url: `127.0.0.1:${port}` } },
  };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(ProbeModule, { ...options[transport], logger: false });
  await app.listen();
  return { app, events, nextEvent: () => new Promise<void>((resolve) => (wake = resolve)) };
}
