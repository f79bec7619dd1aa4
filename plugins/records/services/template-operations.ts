import type { Context } from 'koa';
import { AppError, auditEventOf, authenticationOf, tenantAccessOf } from '../../../core/plugin-api.ts';
import type { RecordsDeps } from './records-deps.ts';
import { parseTemplateDefinition, type FieldErrors, type TemplateDefinition } from './template-definition.ts';
import { loadLibraryTemplate, parseTemplateExport } from './template-export.ts';
import type { Template, TemplateVersion } from './template-store.ts';

/** The 422 of a template definition that breaks a rule, naming every failing path. */
export function templateRefusal(errors: FieldErrors, code = 'invalid_template'): AppError {
  return new AppError(422, code, `The template is not valid: check ${Object.keys(errors).join(', ')}.`, { details: { fields: errors } });
}

const noSuchTemplate = (): AppError => new AppError(404, 'not_found', 'No such template here.');

/**
 * Templates of a tenant (managers and admins; the routes' policy says so): made, published as new
 * versions (records keep the version they were made with), drafted in the designer, imported and
 * exported as JSON, or added from the shipped library. Each change is audited in its transaction.
 */
export class TemplateOperations {
  readonly #deps: RecordsDeps;

  constructor(deps: RecordsDeps) {
    this.#deps = deps;
  }

  /** Checks a definition (as the API or an import gives it) and throws the 422 naming every problem. */
  parse(input: unknown): TemplateDefinition {
    const parsed = parseTemplateDefinition(input);
    if (!parsed.ok) throw templateRefusal(parsed.errors);
    return parsed.definition;
  }

  /** Makes a template from a definition, as version 1. */
  async create(ctx: Context, definition: TemplateDefinition, details: Record<string, unknown> = {}): Promise<Template> {
    const { tenant } = tenantAccessOf(ctx);
    const { user } = authenticationOf(ctx);
    return this.#deps.db.transaction(async (transaction) => {
      const template = await this.#deps.templates.create({ tenantId: tenant.id, definition, createdBy: user.id }, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'template.create', objectType: 'template', objectId: template.id, details: { name: template.name, kind: template.kind, fields: definition.fields.length, ...details } }), transaction);
      return template;
    });
  }

  /** Makes a template from an export file (`{format: "kirjuri-template", formatVersion: 1, template}`). */
  async import(ctx: Context, file: unknown): Promise<Template> {
    const parsed = parseTemplateExport(file);
    if (!parsed.ok) throw templateRefusal(parsed.errors, 'invalid_template_file');
    return this.create(ctx, parsed.definition, { imported: true });
  }

  /** Adds one of the shipped ready templates to the tenant; a name already taken gets " (2)", " (3)"... */
  async addFromLibrary(ctx: Context, libraryId: string): Promise<Template> {
    let definition: TemplateDefinition;
    try {
      definition = await loadLibraryTemplate(libraryId);
    } catch {
      throw new AppError(404, 'not_found', 'The template library has no such template.');
    }
    const taken = new Set((await this.#deps.templates.list(tenantAccessOf(ctx).tenant.id)).map((t) => t.name.toLowerCase()));
    let name = definition.name;
    for (let n = 2; taken.has(name.toLowerCase()); n += 1) name = `${definition.name} (${n})`;
    return this.create(ctx, { ...definition, name }, { library: libraryId });
  }

  /** A template of the tenant, or 404. */
  async find(ctx: Context, id: string): Promise<Template> {
    const template = await this.#deps.templates.find(tenantAccessOf(ctx).tenant.id, id);
    if (!template) throw noSuchTemplate();
    return template;
  }

  /** A published version of a template, or 404. */
  async version(ctx: Context, id: string, version: number): Promise<TemplateVersion> {
    const template = await this.find(ctx, id);
    const found = await this.#deps.templates.version(template.tenantId, template.id, version);
    if (!found) throw new AppError(404, 'not_found', `This template has no version ${version}.`);
    return found;
  }

  /**
   * Publishes a definition as the template's next version. The kind cannot change: a record made as a
   * journal must stay one. Publishing what is already current makes no new version.
   */
  async publish(ctx: Context, id: string, definition: TemplateDefinition): Promise<Template> {
    const { user } = authenticationOf(ctx);
    const template = await this.find(ctx, id);
    if (definition.kind !== template.kind) {
      throw new AppError(422, 'kind_fixed', `A ${template.kind} template stays a ${template.kind}: make a new template for a ${definition.kind}.`, { details: { fields: { kind: `must stay ${template.kind}` } } });
    }
    const current = await this.#deps.templates.version(template.tenantId, template.id, template.currentVersion);
    if (current && JSON.stringify(current.definition) === JSON.stringify(definition)) {
      if (template.draft) await this.#deps.db.transaction((transaction) => this.#deps.templates.saveDraft(template, null, transaction));
      return { ...template, draft: null };
    }
    const published = await this.#deps.db.transaction(async (transaction) => {
      const next = await this.#deps.templates.publish(template, definition, user.id, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'template.update', objectType: 'template', objectId: id, details: { name: next.name, version: next.currentVersion, fields: definition.fields.length } }), transaction);
      return next;
    });
    try {
      await this.#deps.hooks.emit('template.published', { tenantId: published.tenantId, templateId: id, version: published.currentVersion, actorId: user.id });
    } catch (error) {
      (ctx.state as { log?: { error(o: object, m: string): void } }).log?.error({ err: error, hook: 'template.published' }, 'A template hook failed after publishing');
    }
    return published;
  }

  /** Keeps the designer's working copy (not yet valid, perhaps); null discards it. Audited as a template change that published nothing. */
  async saveDraft(ctx: Context, id: string, draft: TemplateDefinition | null): Promise<Template> {
    const template = await this.find(ctx, id);
    await this.#deps.db.transaction(async (transaction) => {
      await this.#deps.templates.saveDraft(template, draft, transaction);
      await ctx.audit.record(auditEventOf(ctx, { action: 'template.update', objectType: 'template', objectId: id, details: { draft: draft === null ? 'discarded' : 'saved', fields: draft?.fields.length ?? null } }), transaction);
    });
    return { ...template, draft };
  }

  /** What the designer edits: the draft when there is one, else the current version's definition. */
  async workingCopy(template: Template): Promise<TemplateDefinition> {
    if (template.draft) return template.draft;
    const current = await this.#deps.templates.version(template.tenantId, template.id, template.currentVersion);
    return structuredClone(current!.definition) as TemplateDefinition;
  }
}
