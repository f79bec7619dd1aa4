// The records plugin: templates in fixed formats (forms, journals, measurements), records made from them
// in the tenant's folders, with revisions, journal entries, signatures and folder structure templates.
import { definePlugin } from '../../core/plugin-api.ts';
import { folderRecordsPanel, recentRecordsPanel } from './pages/record-panels.ts';
import { recordPages } from './pages/record-pages.ts';
import { templatePages } from './pages/template-pages.ts';
import { fileRoutes } from './routes/file-routes.ts';
import { recordRoutes } from './routes/record-routes.ts';
import { structureRoutes } from './routes/structure-routes.ts';
import { templateRoutes } from './routes/template-routes.ts';
import { fileObjectType } from './services/file-object-type.ts';
import { recordObjectType } from './services/record-object-type.ts';
import { RecordsApi } from './services/records-api.ts';
import { recordHookNames } from './services/records-hooks.ts';

export default definePlugin({
  name: 'records',
  version: '1.0.0',
  description: 'Templates, records, journals and measurements, organised in folders.',
  requires: { kirjuri: '^0.1' },
  permissions: ['routes', 'views', 'database', 'objects'],
  objectTypes: ['record', 'file'],
  register(api) {
    const records = new RecordsApi();
    api.service('records.api', () => records);
    api.migrations('migrations');
    api.views('views');
    api.assets('assets');
    for (const hook of recordHookNames) api.declareHook(hook);
    api.objectType('record', recordObjectType(records));
    api.objectType('file', fileObjectType(records));
    for (const route of [...templateRoutes(), ...recordRoutes(), ...fileRoutes(), ...structureRoutes(), ...recordPages(), ...templatePages()]) api.route(route);
    api.navEntry({ label: 'Records', path: (t) => `/t/${t}/records`, order: 10 });
    api.navEntry({ label: 'Templates', path: (t) => `/t/${t}/templates`, order: 20, roles: ['admin', 'manager'] });
    api.panel('folder.page', folderRecordsPanel(records));
    api.panel('tenant.home', recentRecordsPanel(records));
  },
  async bootstrap(runtime) {
    const records = runtime.services.get('records.api');
    records.start(runtime);
    // Signatures saved before blob storage move over once (one query when there are none); a rerun resumes.
    await records.parts.deps.signatures.moveFromDatabase(runtime.log);
  },
});
