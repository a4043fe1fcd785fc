import { Project, ts } from 'ts-morph';
import type { FakeKind } from '../types.js';
import type { Role } from './scope.js';

/** What the type checker can tell that syntax cannot. Only built with `--type-aware`. */
export interface TypeOracle {
  sourceFile(file: string): ts.SourceFile | undefined;
  httpKindOfType(type: ts.TypeNode): { kind: FakeKind; name: string } | undefined;
  /** Request/response positions from the declared parameter types of the called function. */
  parameterPositions(call: ts.CallExpression): { index: number; kind: FakeKind }[];
  roleOf(expr: ts.Expression): Role | undefined;
}

const AMBIGUOUS = new Set(['Request', 'Response', 'Context']);
const SOCKET_ROLES: Record<string, Record<string, Role>> = {
  ws: { WebSocket: 'ws-socket', WebSocketServer: 'ws-server', Server: 'ws-server' },
  'socket.io': { Socket: 'io-socket', Server: 'io-server', Namespace: 'io-server' },
};

/** The package a declaration comes from (`ws`, `@types/express` → `express`), or `lib` / undefined for project code. */
function packageOf(file: string): string | undefined {
  const match = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file);
  if (match?.[1]) return match[1].replace(/\\/g, '/').replace(/^@types\//, '').replace(/^([^_]+)__(.+)$/, '@$1/$2');
  if (/[\\/]typescript[\\/]lib[\\/]lib\.[^\\/]+\.d\.ts$/.test(file)) return 'lib';
  return undefined;
}

export function createTypeOracle(options: { tsconfig: string | undefined; files: Map<string, string>; requestTypes: string[]; responseTypes: string[] }): TypeOracle {
  const project = options.tsconfig
    ? new Project({ tsConfigFilePath: options.tsconfig, skipAddingFilesFromTsConfig: true, compilerOptions: { allowJs: true, noEmit: true } })
    : new Project({ compilerOptions: { allowJs: true, noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext } });
  for (const [file, text] of options.files) project.createSourceFile(file, text, { overwrite: true });
  const program = project.getProgram().compilerObject;
  const checker = program.getTypeChecker();
  const requestTypes = new Set(options.requestTypes);
  const responseTypes = new Set(options.responseTypes);

  const kindOfType = (type: ts.Type, seen: Set<ts.Type>): { kind: FakeKind; name: string } | undefined => {
    if (seen.has(type)) return undefined;
    seen.add(type);
    if (type.isUnionOrIntersection()) {
      for (const member of type.types) {
        const found = kindOfType(member, seen);
        if (found) return found;
      }
      return undefined;
    }
    for (const symbol of [type.aliasSymbol, type.getSymbol()]) {
      if (!symbol) continue;
      const name = symbol.getName();
      const declarations = symbol.getDeclarations() ?? [];
      const fromPackage = declarations.some((declaration) => packageOf(declaration.getSourceFile().fileName) !== undefined);
      if (!fromPackage && AMBIGUOUS.has(name)) continue;
      if (requestTypes.has(name)) return { kind: 'request', name };
      if (responseTypes.has(name)) return { kind: 'response', name };
    }
    if (type.isClassOrInterface()) {
      for (const base of checker.getBaseTypes(type)) {
        const found = kindOfType(base, seen);
        if (found) return found;
      }
    }
    return undefined;
  };

  return {
    sourceFile: (file) => program.getSourceFile(file),
    httpKindOfType(node) {
      try {
        return kindOfType(checker.getTypeFromTypeNode(node), new Set());
      } catch {
        return undefined;
      }
    },
    parameterPositions(call) {
      try {
        const signature = checker.getResolvedSignature(call);
        if (!signature) return [];
        return signature.getParameters().flatMap((parameter, index) => {
          const declaration = parameter.valueDeclaration;
          if (!declaration || !ts.isParameter(declaration) || !declaration.type) return [];
          const found = kindOfType(checker.getTypeFromTypeNode(declaration.type), new Set());
          return found ? [{ index, kind: found.kind }] : [];
        });
      } catch {
        return [];
      }
    },
    roleOf(expr) {
      try {
        const symbol = checker.getTypeAtLocation(expr).getSymbol();
        const declaration = symbol?.getDeclarations()?.[0];
        const pkg = declaration && packageOf(declaration.getSourceFile().fileName);
        return pkg ? SOCKET_ROLES[pkg]?.[symbol?.getName() ?? ''] : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
