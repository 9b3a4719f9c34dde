import { ApplicationFailure } from '@temporalio/activity';
import { resolverFor } from '../plan/agencies';
import type { Directory, Plan } from '../plan/schema';

/**
 * Email addresses of the named agencies: `overrides` first, else the directory (a group stands for its members).
 * An agency the directory does not know is a non-retryable `UnknownAgency`, with the closest names it does know.
 */
export function recipientAddresses(
  directory: Directory,
  agencies: string[],
  overrides: Record<string, string[]> = {},
): string[] {
  const resolver = resolverFor(directory);
  const addresses: string[] = [];
  const add = (email: string) => {
    if (!addresses.includes(email)) addresses.push(email);
  };
  for (const name of agencies) {
    const override = overrides[name];
    if (override && override.length > 0) {
      override.forEach(add);
      continue;
    }
    const resolution = resolver.resolve(name);
    const found = resolution.agency ? [resolution.agency] : (resolution.members ?? []);
    if (found.length === 0) {
      const hint = resolution.suggestions.length ? ` Có phải: ${resolution.suggestions.join('; ')}?` : '';
      throw ApplicationFailure.nonRetryable(
        `Danh bạ ${directory.province} không có cơ quan "${name}" (hoặc nhóm không có thành viên).${hint}`,
        'UnknownAgency',
      );
    }
    for (const agency of found) agency.emails.forEach(add);
  }
  return addresses;
}

/** The focal agency's addresses (for Reply-To: a reply reaches people, not the sending robot); empty when unknown. */
export function focalAddresses(plan: Plan, directory: Directory): string[] {
  return resolverFor(directory).resolve(plan.focalAgency).agency?.emails ?? [];
}
