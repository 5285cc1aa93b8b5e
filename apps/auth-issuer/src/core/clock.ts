/** Where the key lifecycle reads the time; a provider so tests can move it. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };
