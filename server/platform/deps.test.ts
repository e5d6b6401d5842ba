import { describe, expect, it } from 'vitest';
import { defaultConfig, mailDomain } from './deps.js';

describe('mailDomain', () => {
  it('is PUBLIC_URL’s host when that is a domain name', () => {
    expect(mailDomain('https://training.example.org')).toBe('training.example.org');
    expect(mailDomain('https://Live.Training.Example.ORG:8443/base/')).toBe('live.training.example.org');
  });
  it('falls back to a well-formed domain that is never delivered to for development addresses', () => {
    for (const url of ['http://localhost:3000', 'http://app.localhost', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://intranet', 'not a url']) {
      expect(mailDomain(url)).toBe('send-live-training.invalid');
    }
  });
  it('gives the default sender from PUBLIC_URL', () => {
    expect(defaultConfig({ publicUrl: 'https://training.example.org' }).mailFrom).toBe('SEND Live Training <no-reply@training.example.org>');
    expect(defaultConfig().mailFrom).toBe('SEND Live Training <no-reply@send-live-training.invalid>');
    expect(defaultConfig({ publicUrl: 'https://training.example.org', mailFrom: 'Office <office@school.example>' }).mailFrom).toBe('Office <office@school.example>');
  });
});
