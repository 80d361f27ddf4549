/** English messages. `ko.ts` must have the same shape (checked by the `Messages` type). */
import productsEn from './products.en';
import opsEn from './ops.en';
import chargesEn from './charges.en';
import collectionsEn from './collections.en';
import depositsEn from './deposits.en';
import gatewaysEn from './gateways.en';
import walletOpsEn from './wallet-ops.en';
import billingEn from './billing.en';
import traceEn from './trace.en';
import auditEn from './audit.en';
import formsEn from './forms.en';
import rulesCouponsEn from './rules-coupons.en';
import dunningEn from './dunning.en';
import analyticsEn from './analytics.en';
import churnEn from './churn.en';
import churnRealisedEn from './churn-realised.en';
import analyticsFxEn from './analytics-fx.en';
import invoiceLinesEn from './invoice-lines.en';
import invoiceDrillEn from './invoice-drill.en';
import billRunNotesEn from './bill-run-notes.en';
const en = {
  app: { name: 'Billwise', tagline: 'Rules-driven billing console' },
  common: {
    save: 'Save', cancel: 'Cancel', create: 'Create', edit: 'Edit', refresh: 'Refresh',
    search: 'Search', reset: 'Reset', actions: 'Actions', confirm: 'Confirm', close: 'Close',
    copy: 'Copy', copied: 'Copied to clipboard', copyFailed: 'Copy failed: select the text and copy it',
    yes: 'Yes', no: 'No', all: 'All', none: 'None', never: 'Never', saved: 'Saved', created: 'Created',
    total: 'Total {n}', required: '{field} is required', invalidEmail: 'Enter a valid e-mail address',
    minLength: 'At least {n} characters', name: 'Name', email: 'E-mail', code: 'Code',
    description: 'Description', status: 'Status', createdAt: 'Created', locale: 'Language',
    unsavedClose: 'Discard the changes?', loadFailed: 'Could not load: {msg}',
  },
  areas: {
    common: 'Common', products: 'Products', customers: 'Customers', billing: 'Billing',
    statistics: 'Statistics',
  },
  menuGroups: { tenant: 'Tenant', access: 'Users & access', history: 'History' },
  routes: {
    overview: 'Tenant settings', tenants: 'Tenants', users: 'Users', groups: 'Groups & permissions',
    apiKeys: 'API keys', auditLog: 'Audit log', forbidden: 'No permission', notFound: 'Not found',
  },
  auth: {
    tenantCode: 'Tenant code (optional)', tenantCodeHint: 'Only when your e-mail is registered with several companies',
    title: 'Sign in to the console', email: 'E-mail', password: 'Password', submit: 'Sign in',
    logout: 'Sign out', invalid: 'The e-mail or password is not correct.',
    sessionExpired: 'Your session has ended. Please sign in again.', loggedOut: 'Signed out',
  },
  topbar: {
    language: 'Language', platformAdmin: 'Platform admin', collapse: 'Collapse menu',
    expand: 'Expand menu', tenant: 'Tenant',
  },
  locales: { ko: '한국어', en: 'English' },
  tenant: {
    summary: 'Tenant summary', settings: 'Settings', name: 'Tenant name', code: 'Tenant code',
    currency: 'Currency', timezone: 'Time zone', roundingMode: 'Rounding mode', locale: 'Default language', paymentTermsDays: 'Payment terms', days: '{n} days',
    status: 'Status', createdAt: 'Onboarded', readOnly: 'You can view these settings; changing them needs the permission "{perm}".',
    rounding: {
      half_up: 'Half up (0.5 → 1)', half_even: 'Half even (banker\'s)', down: 'Down (truncate)',
      up: 'Up (away from zero)',
    },
    statusValues: { active: 'Active', suspended: 'Suspended', closed: 'Closed' },
  },
  users: {
    create: 'New user', edit: 'Edit user', groups: 'Groups', lastLogin: 'Last sign-in',
    password: 'Password', newPassword: 'New password', newPasswordHint: 'Leave empty to keep the current password',
    status: { active: 'Active', disabled: 'Disabled' }, disable: 'Disable', enable: 'Enable',
    searchPlaceholder: 'Search name or e-mail', localeDefault: 'Tenant default',
  },
  groups: {
    // The built-in groups' descriptions (server/access/permissions.ts stores them in English).
    roleDescriptions: {
      admin: 'Everything in the tenant', billing_manager: 'Plans, customers, bill runs, invoices and payments',
      marketer: 'Discounts, promotions, coupons and their results', executive: 'Read-only dashboards and reports',
      support_agent: 'Customer lookups and changes, invoice questions',
    },
    create: 'New group', edit: 'Edit group', permissions: 'Permissions', builtIn: 'Built-in',
    members: 'Members', editPermissions: 'Permissions', module: 'Module', selectAll: 'All',
    codeHint: 'Starts with a letter; lowercase letters, digits, _ and - (2–41)', builtInNote: 'Built-in group: the code cannot change.',
    count: '{n} permissions',
    modules: {
      tenant: 'Tenant', users: 'Users', groups: 'Groups', apikeys: 'API keys', audit: 'Audit',
      catalog: 'Catalog', rules: 'Rules', customers: 'Customers', billing: 'Billing',
      invoices: 'Invoices', payments: 'Payments', analytics: 'Analytics',
    },
  },
  apiKeys: {
    create: 'New API key', name: 'Key name', prefix: 'Prefix', group: 'Permission group',
    groupHint: 'The key gets this group\'s permissions; without a group it has every permission of the tenant', allPermissions: 'All permissions', lastUsed: 'Last used', revoked: 'Revoked', revokedAt: 'Revoked at',
    active: 'Active', revoke: 'Revoke', revokeConfirm: 'Revoke the key "{name}"? Systems using it stop working immediately.',
    revokedMsg: 'Key revoked', keyOnceTitle: 'Your new API key',
    keyOnceWarning: 'Copy the key now. It is shown only once and cannot be retrieved later.',
  },
  audit: {
    time: 'Time', actor: 'Actor', action: 'Action', entityType: 'Entity type', entityId: 'Entity ID',
    requestId: 'Request ID', before: 'Before', after: 'After', field: 'Field', changedOnly: 'Changed only',
    noChanges: 'No field changes recorded', actorTypes: { user: 'User', api_key: 'API key', system: 'System' },
    filterEntityType: 'Entity type', filterAction: 'Action',
  },
  tenants: {
    onboard: 'Onboard tenant', basic: 'Tenant basic information', settings: 'Billing settings',
    admin: 'First admin user', adminEmail: 'Admin e-mail', adminName: 'Admin name',
    adminPassword: 'Admin password', onboarded: 'Tenant {name} onboarded; admin {email} can sign in.',
    codeHint: 'Short unique code, e.g. acme', codePattern: 'Starts with a letter; lowercase letters, digits and - (2–41)', adminNote: 'The server creates the default groups and maps this user to the admin group.',
  },
  errors: {
    forbidden: 'You do not have permission for this page.', notFound: 'The page does not exist.',
    network: 'Cannot reach the server.', generic: 'Something went wrong ({code}).',
    validation: 'Please check the highlighted fields.', back: 'Go to start page',
  },
  ...productsEn,
  ...opsEn,
  ...chargesEn,
  ...collectionsEn,
  ...depositsEn,
  ...gatewaysEn,
  ...walletOpsEn,
  ...billingEn,
  ...traceEn,
  ...auditEn,
  ...formsEn,
  ...rulesCouponsEn,
  ...dunningEn,
  ...analyticsEn,
  ...churnEn,
  ...churnRealisedEn,
  ...analyticsFxEn,
  ...invoiceLinesEn,
  ...invoiceDrillEn,
  ...billRunNotesEn,
};

export type Messages = typeof en;
export default en;
