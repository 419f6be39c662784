/** The characters of a tenant name: the grammar of every key and path that names a tenant. */
const TENANT_ID_CHARS = '[A-Za-z0-9][A-Za-z0-9._-]{0,62}';

/**
 * A tenant name: 1–63 letters, digits, dots, dashes or underscores, starting with a letter or
 * digit. Storage keys join a tenant name with `#` and `/` (`TENANT#<t>#DOC#…`,
 * `tenants/<t>/inbox/…`): with either in a name, every key of tenant `acme#x` would begin with
 * `TENANT#acme#`, the prefix of tenant `acme`'s keys, and a path could change tenants.
 */
export const TENANT_ID_PATTERN = new RegExp(`^${TENANT_ID_CHARS}$`);

/** {@link TENANT_ID_PATTERN}'s body, to embed in a larger pattern (a key's tenant segment). */
export const TENANT_ID_SOURCE = TENANT_ID_CHARS;

/** What {@link isTenantId} requires, in words, for error messages. */
export const TENANT_ID_RULE = 'A tenant name is 1–63 letters, digits, dots, dashes or underscores';

/**
 * Whether `value` is a valid tenant name.
 *
 * @example
 * isTenantId('acme-eu'); // true
 * isTenantId('acme#DOC#x'); // false
 */
export const isTenantId = (value: string): boolean => TENANT_ID_PATTERN.test(value);
