import type { MatrixObjectType } from './access-matrix.ts';
import { matrixFolderType } from './matrix-folder-type.ts';
import { matrixRecordType } from './matrix-record-type.ts';
import { matrixFileType } from './matrix-file-type.ts';

/** Every object type in the access matrix: each new object type adds its declaration here. */
export function matrixObjectTypes(): MatrixObjectType[] {
  return [matrixFolderType, matrixRecordType(), matrixFileType];
}
