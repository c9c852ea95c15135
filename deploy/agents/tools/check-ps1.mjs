// Parses PowerShell files with the tree-sitter PowerShell grammar and reports ERROR / MISSING nodes (see check-ps1.sh).
import { Parser, Language } from 'web-tree-sitter';
import { readFileSync } from 'node:fs';
await Parser.init();
const lang = await Language.load('node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm');
const parser = new Parser();
parser.setLanguage(lang);
let bad = 0;
for (const file of process.argv.slice(2)) {
  const tree = parser.parse(readFileSync(file, 'utf8'));
  const errors = [];
  const walk = (n) => {
    if (n.type === 'ERROR' || n.isMissing) errors.push(n);
    for (const c of n.children) walk(c);
  };
  walk(tree.rootNode);
  for (const e of errors.slice(0, 10)) {
    console.log(`${file}:${e.startPosition.row + 1}:${e.startPosition.column + 1}: ${e.isMissing ? 'missing ' + e.type : 'syntax error'}: ${e.text.slice(0, 80).replace(/\n/g, '\\n')}`);
  }
  console.log(`${file}: ${errors.length} syntax errors, ${tree.rootNode.descendantCount} nodes`);
  bad += errors.length;
}
process.exit(bad ? 1 : 0);
