export * from './tenants';
export * from './access';
export * from './audit';
