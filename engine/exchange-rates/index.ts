export * from './rates.ts';
export * from './document-rate.ts';
