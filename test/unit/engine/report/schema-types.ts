import path from 'node:path';
import ts from 'typescript';

/**
 * Compares docs/report.schema.json with the `Report` type of src/protocol/report.ts, read by the TypeScript compiler:
 * the same fields at every level, the same required ones, the same JSON types and the same literal values.
 */

const REPORT_TS = path.join(__dirname, '..', '..', '..', '..', 'src', 'protocol', 'report.ts');

type Shape =
  | { kind: 'leaf'; json: string[]; literals?: unknown[] }
  | { kind: 'array'; items: Shape }
  | { kind: 'map'; values: Shape }
  | { kind: 'object'; props: Map<string, { optional: boolean; shape: Shape }> };

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: SchemaNode | boolean;
}

/** The shape of the exported `Report` type. */
export function reportShape(): Shape {
  const program = ts.createProgram([REPORT_TS], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    types: [],
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(REPORT_TS)!;
  const symbol = checker.getSymbolAtLocation(file)!.exports!.get('Report' as ts.__String)!;

  const shapeOf = (type: ts.Type): Shape => {
    const members = (type.isUnion() ? type.types : [type]).filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    if (members.length === 1 && checker.isArrayType(members[0])) {
      return { kind: 'array', items: shapeOf(checker.getTypeArguments(members[0] as ts.TypeReference)[0]) };
    }
    if (members.length === 1 && members[0].flags & ts.TypeFlags.Object) {
      const index = checker.getIndexInfosOfType(members[0]);
      if (index.length > 0) return { kind: 'map', values: shapeOf(index[0].type) };
      const props = new Map(
        checker.getPropertiesOfType(members[0]).map((p) => [
          p.name,
          {
            optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
            shape: shapeOf(checker.getTypeOfSymbolAtLocation(p, file)),
          },
        ]),
      );
      return { kind: 'object', props };
    }
    const json = new Set<string>();
    const literals: unknown[] = [];
    for (const t of members) {
      if (t.flags & ts.TypeFlags.BooleanLike) json.add('boolean');
      else if (t.flags & ts.TypeFlags.NumberLike) json.add('number');
      else if (t.flags & ts.TypeFlags.StringLike) json.add('string');
      else if (t.flags & ts.TypeFlags.Null) json.add('null');
      else throw new Error(`report.ts: a type the comparison does not know: ${checker.typeToString(t)}`);
      if (t.isLiteral()) literals.push(t.value);
    }
    const allLiteral = literals.length === members.length;
    return { kind: 'leaf', json: [...json].sort(), ...(allLiteral ? { literals: literals.sort() } : {}) };
  };
  return shapeOf(checker.getDeclaredTypeOfSymbol(symbol));
}

/** Where `schema` differs from `shape`, one line per difference, each with its JSON pointer. */
export function schemaDifferences(shape: Shape, schema: SchemaNode, root: SchemaNode = schema, at = ''): string[] {
  const node = resolve(schema, root);
  const where = at || '/';
  switch (shape.kind) {
    case 'array':
      if (node.type !== 'array' || !node.items) return [`${where}: the schema has no array here`];
      return schemaDifferences(shape.items, node.items, root, `${at}/*`);
    case 'map':
      if (node.type !== 'object' || typeof node.additionalProperties !== 'object')
        return [`${where}: the schema has no map here`];
      return schemaDifferences(shape.values, node.additionalProperties, root, `${at}/*`);
    case 'object': {
      if (node.type !== 'object' || !node.properties) return [`${where}: the schema has no object here`];
      const properties = node.properties;
      const fields = [...shape.props.keys()];
      const out = [
        ...fields.filter((k) => !(k in properties)).map((k) => `${at}/${k}: missing from the schema`),
        ...Object.keys(properties)
          .filter((k) => !shape.props.has(k))
          .map((k) => `${at}/${k}: in the schema, not in report.ts`),
      ];
      const required = fields.filter((k) => !shape.props.get(k)!.optional).sort();
      if (JSON.stringify([...(node.required ?? [])].sort()) !== JSON.stringify(required))
        out.push(`${where}: required [${node.required ?? []}] but report.ts requires [${required}]`);
      for (const k of fields.filter((f) => f in properties))
        out.push(...schemaDifferences(shape.props.get(k)!.shape, properties[k], root, `${at}/${k}`));
      return out;
    }
    case 'leaf': {
      const values = node.const !== undefined ? [node.const] : node.enum;
      const types = values
        ? values.map((v) => (v === null ? 'null' : typeof v))
        : [node.type ?? []].flat().map((t) => (t === 'integer' ? 'number' : t));
      const out: string[] = [];
      if (JSON.stringify([...new Set(types)].sort()) !== JSON.stringify(shape.json))
        out.push(`${where}: the schema says ${[...new Set(types)]}, report.ts ${shape.json}`);
      if (JSON.stringify(values ? [...values].sort() : undefined) !== JSON.stringify(shape.literals))
        out.push(
          `${where}: the schema allows ${values ? values.join(', ') : 'any value'}, report.ts ${shape.literals ?? 'any value'}`,
        );
      return out;
    }
  }
}

function resolve(node: SchemaNode, root: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const target = node.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((n, key) => (n as Record<string, unknown>)[key], root);
  return resolve(target as SchemaNode, root);
}
