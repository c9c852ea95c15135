// Parses and validates an AsyncAPI document with @asyncapi/parser, resolving its file $refs; prints the
// diagnostics and exits 1 on any error, 0 otherwise. Usage: node validate-asyncapi.mjs docs/asyncapi.yaml
import { Parser, fromFile } from '@asyncapi/parser';
const file = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, file).parse();
let errors = 0;
for (const d of diagnostics) {
  const level = ['error', 'warning', 'info', 'hint'][d.severity] ?? d.severity;
  if (d.severity === 0) errors++;
  console.log(`${level} ${d.code} ${(d.path || []).join('.')}: ${d.message}`);
}
if (!document || errors > 0) { console.log(`INVALID ${file}: ${errors} error(s)`); process.exit(1); }
const channels = document.channels().all().map(c => c.address());
const payloads = document.allMessages().all().filter(m => m.hasPayload()).length;
console.log(`VALID ${file}: ${channels.length} channels (${channels.join(', ')}), ${payloads} message payloads`);
