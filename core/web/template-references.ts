import Handlebars from 'handlebars';

/** The partials, helpers and assets a template names literally, so a typo fails at boot instead of per request. */
export interface TemplateReferences {
  readonly partials: ReadonlySet<string>;
  readonly helpers: ReadonlySet<string>;
  /** Paths given to `{{assetUrl "css/kirjuri.css"}}` as string literals. */
  readonly assets: ReadonlySet<string>;
}

type Node = hbs.AST.Node & Record<string, unknown>;

const { helperExpression, simpleId } = Handlebars.AST.helpers;

/** The name of a partial when it is written literally (`{{> forms/field}}` or `{{> "x"}}`), else undefined. */
function staticPartialName(name: unknown): string | undefined {
  const node = name as Node | undefined;
  if (node?.type === 'PathExpression') return (node as unknown as hbs.AST.PathExpression).data ? undefined : (node as unknown as hbs.AST.PathExpression).original;
  if (node?.type === 'StringLiteral' || node?.type === 'NumberLiteral') return String((node as unknown as hbs.AST.StringLiteral).original);
  return undefined;
}

/** Walks a parsed template and collects the partials and helpers it calls by name. */
export function collectTemplateReferences(program: hbs.AST.Program): TemplateReferences {
  const partials = new Set<string>();
  const inlinePartials = new Set<string>();
  const helpers = new Set<string>();
  const assets = new Set<string>();

  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object' || typeof (value as Node).type !== 'string') return;
    const node = value as Node;
    if (node.type === 'PartialStatement') {
      const name = staticPartialName(node.name);
      if (name !== undefined) partials.add(name);
    }
    if (node.type === 'DecoratorBlock' || node.type === 'Decorator') {
      // {{#*inline "name"}} defines a partial local to this template.
      const params = node.params as hbs.AST.Expression[];
      const first = params[0] as hbs.AST.StringLiteral | undefined;
      if ((node.path as hbs.AST.PathExpression).original === 'inline' && first?.type === 'StringLiteral') inlinePartials.add(first.value);
    } else if ((node.type === 'MustacheStatement' || node.type === 'BlockStatement' || node.type === 'SubExpression')
      && helperExpression(node as hbs.AST.Node)) {
      const path = node.path as hbs.AST.PathExpression;
      if (path.type === 'PathExpression' && simpleId(path)) {
        helpers.add(path.original);
        const first = (node.params as hbs.AST.Expression[])[0] as hbs.AST.StringLiteral | undefined;
        if (path.original === 'assetUrl' && first?.type === 'StringLiteral') assets.add(first.value);
      }
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'loc') visit(child);
  };
  visit(program);

  for (const name of inlinePartials) partials.delete(name);
  return { partials, helpers, assets };
}
