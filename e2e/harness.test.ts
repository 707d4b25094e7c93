// The e2e harness reads the setup token `vigil serve` prints, whatever character it begins with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupTokenOf } from './harness.ts';

test('the setup token is read whole, also when it begins with "-" or "_"', () => {
  const line = (t: string) => `{"level":"WARN"}\nvigil: first run: create the admin account in the console with this setup token: ${t}\nVigil listening on http://127.0.0.1:1\n`;
  for (const t of ['-DaUICrfPK2HQCtySNKUs2SY', '_m-1BNyerFR54BJxRQVQtGsg', 'rerJrWwioSNUj8P8S189Dfzj']) assert.equal(setupTokenOf(line(t)), t);
  assert.equal(setupTokenOf('Vigil listening on http://127.0.0.1:1\n'), null, 'no token once an admin exists');
});
