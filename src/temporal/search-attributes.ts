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

/** Temporal's `IndexedValueType` numbers (temporal.api.enums.v1), as `listSearchAttributes` answers them. */
const indexedValueTypes: Record<string, number> = {
  [SearchAttributeType.TEXT]: 1,
  [SearchAttributeType.KEYWORD]: 2,
  [SearchAttributeType.INT]: 3,
  [SearchAttributeType.DOUBLE]: 4,
  [SearchAttributeType.BOOL]: 5,
  [SearchAttributeType.DATETIME]: 6,
  [SearchAttributeType.KEYWORD_LIST]: 7,
};

type Key = { name: string; type: SearchAttributeType };

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function searchAttributeFlags(): string[] {
  return allSearchAttributeKeys.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeNames[key.type]}`]);
}

/** `temporal operator search-attribute create` arguments, for a production cluster (every key unless given). */
export function searchAttributeCreateArgs(keys: readonly Key[] = allSearchAttributeKeys): string[] {
  return keys.flatMap((key) => ['--name', key.name, '--type', cliTypeNames[key.type]]);
}

/** What a namespace lacks of dondoc's search attributes. */
export interface SearchAttributeCheck {
  missing: Key[];
  /** Registered under dondoc's name with another type (`registered` is the CLI type name). */
  wrongType: Array<{ key: Key; registered: string }>;
}

/** Any connection with the operator service: a `@temporalio/client` `Connection` or the worker's `NativeConnection`. */
export interface OperatorConnection {
  operatorService: {
    listSearchAttributes(request: {
      namespace: string;
    }): Promise<{ customAttributes?: Record<string, unknown> | null }>;
  };
}

function cliTypeOf(indexed: unknown): string {
  const number = typeof indexed === 'number' ? indexed : undefined;
  const type = Object.keys(indexedValueTypes).find(
    (t) => indexedValueTypes[t] === number || indexed === `INDEXED_VALUE_TYPE_${t}`,
  );
  return type ? cliTypeNames[type] : String(indexed);
}

/** Compares the custom search attributes of `namespace` with the ones dondoc's workflows set. */
export async function checkSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
): Promise<SearchAttributeCheck> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const registered = customAttributes ?? {};
  const check: SearchAttributeCheck = { missing: [], wrongType: [] };
  for (const key of allSearchAttributeKeys) {
    if (!(key.name in registered)) check.missing.push(key);
    else if (cliTypeOf(registered[key.name]) !== cliTypeNames[key.type]) {
      check.wrongType.push({ key, registered: cliTypeOf(registered[key.name]) });
    }
  }
  return check;
}

/** The namespace lacks search attributes dondoc sets: every workflow task would fail until they exist. */
export class SearchAttributesError extends Error {
  override readonly name = 'SearchAttributesError';
  constructor(
    message: string,
    /** The `temporal operator search-attribute create` command that registers what is missing. */
    readonly command: string,
  ) {
    super(message);
  }
}

/**
 * Throws `SearchAttributesError` when `namespace` on `address` lacks one of dondoc's search attributes or has one
 * with another type, with the exact command to run. Resolves with a warning when the server does not let this
 * connection list them (permission denied, not implemented): the worker starts, unchecked.
 */
export async function assertSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
  address: string,
): Promise<{ warning?: string }> {
  let check: SearchAttributeCheck;
  try {
    check = await checkSearchAttributes(connection, namespace);
  } catch (err) {
    const code = (err as { code?: number }).code;
    // gRPC PERMISSION_DENIED (7) and UNIMPLEMENTED (12): the check cannot be made here, it is not a failed check.
    if (code !== 7 && code !== 12) throw err;
    return {
      warning:
        `không kiểm tra được thuộc tính tìm kiếm (search attributes) của namespace "${namespace}" trên ${address}: ` +
        `${(err as Error).message}. Nếu workflow lỗi "search attribute", xem README, mục máy chủ Temporal sản xuất.`,
    };
  }
  if (check.missing.length === 0 && check.wrongType.length === 0) return {};
  const toCreate = [...check.missing, ...check.wrongType.map((w) => w.key)];
  const command = [
    'temporal operator search-attribute create',
    '--namespace',
    namespace,
    ...searchAttributeCreateArgs(toCreate),
  ].join(' ');
  const lines = [
    `namespace "${namespace}" trên máy chủ Temporal ${address} chưa có đủ thuộc tính tìm kiếm (search attributes) của dondoc; ` +
      'mọi workflow của dondoc sẽ lỗi lặp lại cho đến khi có chúng, nên worker không khởi động.',
  ];
  if (check.missing.length > 0) lines.push(`Thiếu (missing): ${check.missing.map((k) => k.name).join(', ')}.`);
  for (const { key, registered } of check.wrongType) {
    lines.push(
      `${key.name} đã đăng ký với kiểu ${registered}, dondoc cần ${cliTypeNames[key.type]} (wrong type): kiểu không đổi được; ` +
        `nếu không ứng dụng nào khác dùng nó, xóa trước: temporal operator search-attribute remove --namespace ${namespace} --name ${key.name}`,
    );
  }
  lines.push(
    `Chạy một lần cho namespace này (thêm --address ${address} và các tùy chọn TLS nếu cần), rồi khởi động lại worker:`,
    `  ${command}`,
  );
  throw new SearchAttributesError(lines.join('\n'), command);
}
