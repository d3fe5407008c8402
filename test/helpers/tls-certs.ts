import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A PEM certificate and key written into the test directory, with their paths. */
export interface TestCert {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A test certificate authority (EC P-256), made with Debian's openssl. */
export function makeCa(dir: string, name = 'ca'): TestCert {
  const subject = `/CN=Portier Test ${name}`;
  const args = ['-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'];
  openssl(['req', ...args, '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.crt`], dir);
  return read(dir, name);
}

/** A leaf certificate for `names` (DNS SANs, or `IP:…`) signed by `ca`; `clientAuth` makes a client certificate. */
export function makeLeaf(dir: string, ca: TestCert, name: string, names: string[], clientAuth = false): TestCert {
  const ext = join(dir, `${name}.ext`);
  const usage = clientAuth ? 'clientAuth' : 'serverAuth';
  const sans = names.map((n) => (n.startsWith('IP:') ? n : `DNS:${n}`)).join(',');
  writeFileSync(ext, `subjectAltName=${sans}\nextendedKeyUsage=${usage}\n`);
  const keyArgs = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', ...keyArgs, '-subj', `/CN=${names[0]}`, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial'].concat([
      '-days',
      '1',
      '-extfile',
      ext,
      '-out',
      `${name}.crt`,
    ]),
    dir,
  );
  return read(dir, name);
}

function read(dir: string, name: string): TestCert {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}
