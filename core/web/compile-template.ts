import Handlebars from 'handlebars';
import { collectTemplateReferences, type TemplateReferences } from './template-references.ts';

/** A template compiled once at boot, ready to be bound into any theme's Handlebars environment. */
export interface CompiledTemplate {
  /** The file it came from, for error messages. */
  readonly file: string;
  readonly spec: TemplateSpecification;
  readonly references: TemplateReferences;
}

/** The compiler classes Handlebars exposes at runtime but does not declare in its types. */
interface HandlebarsCompilers {
  Compiler: new () => { compile(program: hbs.AST.Program, options: CompileOptions): unknown };
  JavaScriptCompiler: new () => { compile(environment: unknown, options: CompileOptions, context: undefined, asObject: true): TemplateSpecification };
}

// strict stays off: optional data (a missing `user`, an empty `errors`) must render as nothing.
const compileOptions: CompileOptions = { data: true, preventIndent: true };

/** A Handlebars error as " on line N: reason", keeping the parser's pointer to the spot. */
function describeTemplateError(error: unknown): string {
  const exception = error as { message?: string; lineNumber?: number };
  const message = String(exception.message ?? error).trim();
  const line = exception.lineNumber ?? Number(/line (\d+)/.exec(message)?.[1] ?? Number.NaN);
  const reason = message.replace(/^Parse error on line \d+:\s*/, '');
  return Number.isFinite(line) ? ` on line ${line}: ${reason}` : `: ${reason}`;
}

/**
 * Parses and compiles a template to a specification now, rather than on first render as
 * `Handlebars.compile` does, so that syntax errors stop the boot and requests never compile.
 * Throws an Error whose message is "<file> has a template error on line N: ...".
 */
export function compileTemplate(file: string, source: string): CompiledTemplate {
  try {
    const program = Handlebars.parse(source, { srcName: file });
    const references = collectTemplateReferences(program);
    const compilers = Handlebars as unknown as HandlebarsCompilers;
    const environment = new compilers.Compiler().compile(program, { ...compileOptions });
    const spec = new compilers.JavaScriptCompiler().compile(environment, { ...compileOptions }, undefined, true);
    return { file, spec, references };
  } catch (error) {
    throw new Error(`${file} has a template error${describeTemplateError(error)}`, { cause: error });
  }
}

/** Binds a compiled template into one theme's environment, where its partials and helpers resolve. */
export function bindTemplate(env: typeof Handlebars, template: CompiledTemplate): HandlebarsTemplateDelegate {
  return env.template(template.spec);
}
