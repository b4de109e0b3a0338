import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { JOB_DEFINITION, JOB_KIND_PATTERN, JobDefinition } from './job-definition';

/** Every job kind of the app: the providers marked `@RegisterJob()`, found at boot, plus any registered by hand. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly definitions = new Map<string, JobDefinition>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as JobDefinition | undefined;
      if (!instance || !wrapper.metatype || !Reflect.getMetadata(JOB_DEFINITION, wrapper.metatype)) continue;
      if (this.definitions.get(instance.kind) !== instance) this.register(instance);
    }
  }

  register(definition: JobDefinition): void {
    if (!JOB_KIND_PATTERN.test(definition.kind)) throw new Error(`job kind "${definition.kind}" must look like module.action (lower case)`);
    if (this.definitions.has(definition.kind)) throw new Error(`job kind "${definition.kind}" is registered twice`);
    this.definitions.set(definition.kind, definition);
  }

  get(kind: string): JobDefinition | undefined {
    return this.definitions.get(kind);
  }

  kinds(): string[] {
    return [...this.definitions.keys()].sort();
  }
}
