/** Passwords are hashed with scrypt (memory-hard); the parameters travel with the hash. */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const R = 8;
const P = 1;
const KEYLEN = 32;

export async function hashPassword(password: string, costLog2 = 15): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** costLog2;
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEYLEN, { N, r: R, p: P, maxmem: 256 * N * R });
  return `scrypt$${costLog2}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [scheme, costLog2, r, p, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !costLog2 || !r || !p || !saltB64 || !keyB64) return false;
  const N = 2 ** Number(costLog2);
  const expected = Buffer.from(keyB64, 'base64url');
  const key = await scryptAsync(password.normalize('NFKC'), Buffer.from(saltB64, 'base64url'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r),
  });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password: used so that a missing user costs as much time as a wrong password. */
let decoy: Promise<string> | null = null;
export function decoyHash(costLog2: number): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'), costLog2);
  return decoy;
}
