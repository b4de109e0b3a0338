import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';

/** Provides the one `Clock` to every module (tests override it with a FakeClock). */
@Global()
@Module({ providers: [{ provide: Clock, useClass: SystemClock }], exports: [Clock] })
export class ClockModule {}
