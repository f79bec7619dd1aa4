// The designer's field actions: each a small form post that changes the working copy and goes back to
// the field's card (303). The draft may stay invalid in between; publishing is what checks it.
import type { Context } from 'koa';
import { formValue, tenantRole, type PluginRuntime } from '../../../core/plugin-api.ts';
import { parseTemplateText } from '../services/template-text.ts';
import { designerPath, loadDraft, namedField, saveWorkingCopy, showDesigner, showStale } from './designer-page.ts';
import { anchorOf, fieldPathOf, keyFromLabel, keysOf, listAt, listPathOf, parseListPlace, renameShowIfs, withList, type Draft } from './draft-fields.ts';
import { fieldFromForm, isFieldType, newField } from './field-form.ts';
import { idParams } from '../routes/route-schemas.ts';
import { idOf, refused, seeOther, type PageRoute } from './page-kit.ts';

const manager = tenantRole('manager');

/** Runs an action on the field a form names, or shows the designer again (409) when it has moved. */
async function onNamedField(
  ctx: Context, runtime: PluginRuntime, id: string, body: unknown,
  act: (draft: Draft, named: NonNullable<ReturnType<typeof namedField>>) => { draft: Draft; anchor: string; open?: string },
): Promise<void> {
  const { template, draft } = await loadDraft(ctx, runtime, id);
  const named = namedField(draft, formValue(body, 'at'), formValue(body, 'was'));
  if (!named) return showStale(ctx, runtime, id);
  const done = act(draft, named);
  await saveWorkingCopy(ctx, runtime, template, done.draft);
  seeOther(ctx, designerPath(ctx, id, done.anchor, done.open));
}

/** Adds a field (type and label; the key is made from the label unless given) to a list, and opens its card. */
async function addField(ctx: Context, runtime: PluginRuntime, id: string, body: unknown): Promise<void> {
  const { template, draft } = await loadDraft(ctx, runtime, id);
  const listText = formValue(body, 'list');
  const place = parseListPlace(listText);
  const list = place && listAt(draft, place);
  if (!place || !list) return showStale(ctx, runtime, id);
  const values = { type: formValue(body, 'type'), label: formValue(body, 'label'), key: formValue(body, 'key').trim() };
  const { type } = values;
  const errors: Record<string, string> = {};
  const label = parseTemplateText(values.label, 'label', errors, { max: 200, required: true, oneLine: true });
  const typeKnown = isFieldType(type, place.group !== null);
  if (!typeKnown) errors.type = 'must be one of the listed types';
  if (label === undefined || !typeKnown) {
    return showDesigner(ctx, runtime, id, { add: { list: listText, values, errors }, ...refused(422, 'The field was not added: check the marked boxes.') });
  }
  const key = values.key || keyFromLabel(label, keysOf(list));
  const index = list.length;
  const changed = withList(draft, place, (fields) => void fields.push(newField(key, type, label)))!;
  await saveWorkingCopy(ctx, runtime, template, changed);
  const at = fieldPathOf({ ...place, index });
  seeOther(ctx, designerPath(ctx, id, anchorOf(at), at));
}

/** The designer's field routes. */
export function designerFieldRoutes(): PageRoute[] {
  return [
    {
      method: 'POST', path: '/t/:t/templates/:id/fields/add', policy: manager, tags: ['web'], params: idParams,
      summary: 'Designer: adds a field (type, label, key?) to the working copy\'s list `list` (fields, entryFields or fields[N].fields).',
      handler: (ctx, { params, body }, runtime) => addField(ctx, runtime, idOf(params), body),
    },
    {
      method: 'POST', path: '/t/:t/templates/:id/fields/update', policy: manager, tags: ['web'], params: idParams,
      summary: 'Designer: saves a field card (`at`, `was` and its properties) in the working copy.',
      handler: (ctx, { params, body }, runtime) => onNamedField(ctx, runtime, idOf(params), body, (draft, { place, list, field }) => ({
        draft: withList(draft, place, (fields) => {
          const updated = fieldFromForm(body, field, list.slice(0, place.index), place.group !== null);
          fields[place.index] = updated;
          // A new key is followed by the conditions that named the old one, rather than breaking them.
          if (typeof updated.key === 'string' && updated.key !== field.key) renameShowIfs(fields, field.key, updated.key);
        })!,
        anchor: anchorOf(fieldPathOf(place)),
      })),
    },
    {
      method: 'POST', path: '/t/:t/templates/:id/fields/move', policy: manager, tags: ['web'], params: idParams,
      summary: 'Designer: moves a field (`at`, `was`) one place up or down (`direction`) in its list.',
      handler: (ctx, { params, body }, runtime) => onNamedField(ctx, runtime, idOf(params), body, (draft, { place, list }) => {
        const to = place.index + (formValue(body, 'direction') === 'up' ? -1 : 1);
        if (to < 0 || to >= list.length) return { draft, anchor: anchorOf(fieldPathOf(place)) };
        return {
          draft: withList(draft, place, (fields) => void fields.splice(to, 0, ...fields.splice(place.index, 1)))!,
          anchor: anchorOf(fieldPathOf({ ...place, index: to })),
        };
      }),
    },
    {
      method: 'POST', path: '/t/:t/templates/:id/fields/remove', policy: manager, tags: ['web'], params: idParams,
      summary: 'Designer: removes a field (`at`, `was`) from the working copy.',
      handler: (ctx, { params, body }, runtime) => onNamedField(ctx, runtime, idOf(params), body, (draft, { place }) => ({
        draft: withList(draft, place, (fields) => void fields.splice(place.index, 1))!,
        anchor: anchorOf(listPathOf(place)),
      })),
    },
  ];
}
