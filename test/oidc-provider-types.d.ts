// oidc-provider ships no types; tests use a small part of it (test/oidc-provider.ts).
declare module 'oidc-provider';
