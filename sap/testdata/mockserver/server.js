// Starts SAP's OData mock server (@sap-ux/fe-mockserver-core) on a loopback
// port for the sap package's integration test. Usage:
//   node server.js <services.json>
// services.json lists {"urlPath", "metadataPath", "mockdataPath"} entries
// (paths relative to this folder). The module is resolved from NODE_PATH
// (the cache folder .ci/run installs into). Prints "listening <port>" once
// the services are loaded, and exits when stdin closes.
'use strict';
const http = require('http');
const path = require('path');
const fs = require('fs');

const FEMockserver = require('@sap-ux/fe-mockserver-core').default;

async function main() {
  const listFile = process.argv[2];
  const list = JSON.parse(fs.readFileSync(listFile, 'utf8'));
  const base = path.dirname(path.resolve(listFile));
  const services = list.map((s) => ({
    urlPath: s.urlPath,
    metadataPath: path.resolve(base, s.metadataPath),
    mockdataPath: path.resolve(base, s.mockdataPath),
    generateMockData: false,
    noETag: true,
    watch: false,
    debug: false
  }));
  const mock = new FEMockserver({ services, annotations: [], plugins: [] });
  await mock.isReady;
  const router = mock.getRouter();
  const server = http.createServer((req, res) => {
    router(req, res, (err) => {
      res.statusCode = err ? 500 : 404;
      res.setHeader('content-type', 'text/plain');
      res.end(err ? String(err.message || err) : 'not found');
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write('listening ' + server.address().port + '\n');
  });
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write('mock server failed: ' + (e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
