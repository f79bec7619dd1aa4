// The public plugin API: the one module first- and third-party plugins import from core.
export { definePlugin, pluginPermissions } from './kernel/plugin-definition.ts';
export type {
  PluginDefinition, PluginRegistrar, PluginRuntime, PluginPermission, ObjectTypeDefinition, CliRuntime, CliCommandDefiner,
} from './kernel/plugin-definition.ts';
export { publicAccess } from './kernel/route-declaration.ts';
export type { RouteDeclaration, RoutePolicy, HttpMethod, ValidatedInput } from './kernel/route-declaration.ts';
export type { JobDeclaration } from './kernel/job-declaration.ts';
export type { HookMap, HookName, HookHandler } from './kernel/hook-map.ts';
export type { HookBus } from './kernel/hook-bus.ts';
export type { ServiceMap, ServiceName } from './kernel/service-map.ts';
export type { Database } from './db/open-database.ts';
export type { Logger } from './kernel/create-logger.ts';
export { newId } from './db/new-id.ts';
export { AppError, badRequest, unauthorized, forbidden, notFound, conflict, unprocessable, isAppError } from './http/app-error.ts';
export { signedIn, instanceAdmin, tenantRole, publicFormAccess, authenticationOf, tenantAccessOf, type TenantAccess } from './identity/access-policies.ts';
export { requestActor, type RequestActor } from './identity/request-actor.ts';
// A `streamBody: 'form'` route verifies the form's `_csrf` field itself, before it accepts any other part.
export { verifyStreamedFormToken, streamedFormTokenPending } from './identity/streamed-form-csrf.ts';
export type { Authentication } from './identity/authenticator.ts';
export type { User } from './identity/user-store.ts';
export type { PeopleService } from './identity/people-service.ts';
export type { Tenant } from './tenants/tenant-store.ts';
export { tenantRoles, roleAtLeast, type TenantRole, type ParticipantRole } from './tenants/roles.ts';
// Access control: object routes use tenantParticipant, then ctx.access.requireAccess(ctx, action, ref).
export { tenantParticipant } from './access/tenant-participant-policy.ts';
export { objectNotFound, type GrantedObject } from './access/access-control.ts';
export { effectiveAccess, grantKey, type Participant, type GrantMap } from './access/access-rules.ts';
export { accessLevels, accessActions, levelAtLeast, levelNeededFor, higherLevel, type AccessLevel, type AccessAction, type AccessibleObject, type ObjectRef } from './access/object-access.ts';
export type { FolderService, ShareService } from './access/create-access.ts';
export type { Folder } from './folders/folder-store.ts';
export type { Breadcrumb, VisibleFolder } from './folders/folder-operations.ts';
export type { SharePanelData } from './shares/share-panel.ts';
// Audit: changes call ctx.audit.record(auditEventOf(ctx, ...), transaction); views ctx.audit.recordSoon(...).
export { auditEventOf, type AuditEvent, type AuditEventInput, type AuditRecorder, type AuditOutcome } from './audit/audit-event.ts';
// Lists and pages.
export { listQueryFields, encodeCursor, decodeCursor } from './http/list-page.ts';
export { hasControlCharacters } from './http/control-characters.ts';
export type { PageService } from './web/page-service.ts';
export type { PageLocals } from './web/page-renderer.ts';
export type { PanelSlots, PanelSlot, PagePanel, NavEntry } from './web/page-extensions.ts';
export { fieldErrorsOf, formErrorsOf, type FieldErrors } from './web/form-errors.ts';
export { formValue } from './web/form-value.ts';
export type { MigrationContext } from './db/migration-files.ts';
// Keys and encrypted blobs: data keys from the core.keys service; a damaged stored file is a BlobIntegrityError.
export type { KeyService } from './crypto/key-service.ts';
export { KeyringError } from './crypto/keyring-error.ts';
export type { NewDataKey, WrappedDataKey } from './files/blob-keys.ts';
export type { DataKey } from './files/blob-format.ts';
export type { BlobEncryptionSummary } from './files/blob-encryptor.ts';
export { BlobIntegrityError } from './files/blob-integrity-error.ts';
export { timeValue } from './db/row-values.ts';
export { folderName } from './folders/folder-name.ts';
// Blob storage (`core.blobs`): it only ever holds ciphertext; the encryption sits above it.
export type { BlobStore, BlobRange, BlobPutOptions, BlobPutResult, BlobStat, BlobListEntry } from './files/blob-store.ts';
// Encrypted files (`core.files`): store() streams plaintext into the blob store, commit() adds its row in the caller's transaction.
export type { EncryptedFiles, PreparedBlob, StoreOptions, OpenedBlob } from './files/encrypted-files.ts';
export { fileTooLarge, headBytes } from './files/encrypted-files.ts';
export { BlobStoreError, BlobNotFoundError, BlobStoreFullError, BlobRangeError, InvalidBlobKeyError } from './files/blob-store-errors.ts';
// Images: the images plugin provides the service `images.processor` (renditions, EXIF facts, the pixel limit).
export { imageVariantKinds, type ImageFacts, type ImageVariant, type ImageVariantKind, type ImageVariantLookup, type ImageProcessor } from './files/image-processor.ts';
