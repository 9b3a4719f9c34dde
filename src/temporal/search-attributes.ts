import { SearchAttributeType } from '@temporalio/common';
import { allSearchAttributeKeys } from '../workflows/search-attributes';

const cliTypeNames: Record<string, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  return allSearchAttributeKeys.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeNames[key.type]}`]);
}

/** `temporal operator search-attribute create` arguments, for a production cluster. */
export function searchAttributeCreateArgs(): string[] {
  return allSearchAttributeKeys.flatMap((key) => ['--name', key.name, '--type', cliTypeNames[key.type]]);
}
