import type { DynamicModule, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';

type ModuleLike = Type | DynamicModule;

/** One module of a graph, with what its decorator and its dynamic form declare, merged. */
export interface ModuleNode {
  module: Type;
  imports: ModuleLike[];
  controllers: Type[];
  providers: unknown[];
  exports: unknown[];
}

const isDynamic = (m: ModuleLike): m is DynamicModule => typeof m === 'object' && m !== null && 'module' in m;
const declared = <T>(type: Type, key: string): T[] => (Reflect.getMetadata(key, type) as T[] | undefined) ?? [];

/** The node of one module reference (a class or a dynamic module). */
export function nodeOf(ref: ModuleLike): ModuleNode {
  const type = isDynamic(ref) ? ref.module : ref;
  const dynamic: Partial<DynamicModule> = isDynamic(ref) ? ref : {};
  return {
    module: type,
    imports: [...declared<ModuleLike>(type, MODULE_METADATA.IMPORTS), ...((dynamic.imports ?? []) as ModuleLike[])],
    controllers: [...declared<Type>(type, MODULE_METADATA.CONTROLLERS), ...(dynamic.controllers ?? [])],
    providers: [...declared(type, MODULE_METADATA.PROVIDERS), ...(dynamic.providers ?? [])],
    exports: [...declared(type, MODULE_METADATA.EXPORTS), ...(dynamic.exports ?? [])],
  };
}

/** Every module reachable from `root` through imports, read from metadata only (nothing is instantiated). */
export function moduleGraph(root: ModuleLike): ModuleNode[] {
  const seen = new Set<ModuleLike>();
  const nodes: ModuleNode[] = [];
  const visit = (ref: ModuleLike) => {
    if (!ref || seen.has(ref) || ref instanceof Promise) return;
    seen.add(ref);
    const node = nodeOf(ref);
    nodes.push(node);
    node.imports.forEach(visit);
  };
  visit(root);
  return nodes;
}
