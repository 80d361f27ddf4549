export * from './tenants';
export * from './access';
export * from './audit';
export * from './catalog';
export * from './customers';
export * from './metering';
export * from './billing';
export * from './promotions';
