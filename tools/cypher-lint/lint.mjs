// Lint Cypher queries with Neo4j's own language support (the linter of Neo4j's editors).
//
// stdin:  a JSON array of {name, text}
// stdout: a JSON array of {name, diagnostics: [{severity, message, line, character}]}, same order,
//         severity one of "error", "warning", "information", "hint"; line and character 1-based.
//
// The schema is the package's mock Neo4j 5 schema restricted to Cypher 5: its built-in
// functions and procedures, so unknown or misspelt functions and deprecated ones are reported.
// It declares no labels, relationship types or property keys, so none of those is checked.
// Every `$parameter` a query uses is declared, since parameters are supplied at run time.
import { lintCypherQuery, parseParameters, testData } from '@neo4j-cypher/language-support';

const CYPHER_VERSION = 'CYPHER 5';
const SEVERITIES = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

// The mock schema includes APOC, which the Neo4j Community image we run does not ship.
const withoutApoc = (entries) =>
  Object.fromEntries(Object.entries(entries).filter(([name]) => !name.startsWith('apoc.')));

const baseSchema = {
  defaultLanguage: CYPHER_VERSION,
  functions: { [CYPHER_VERSION]: withoutApoc(testData.mockSchema.functions[CYPHER_VERSION]) },
  procedures: { [CYPHER_VERSION]: withoutApoc(testData.mockSchema.procedures[CYPHER_VERSION]) },
};

function lint(text) {
  // Drivers send queries as they are: no `:param`-style console commands.
  const options = { consoleCommandsEnabled: false };
  const parameters = Object.fromEntries(parseParameters(text, false).map((name) => [name, null]));
  const { diagnostics } = lintCypherQuery(text, { ...baseSchema, parameters }, options);
  return diagnostics.map((d) => ({
    severity: SEVERITIES[d.severity ?? 1] ?? String(d.severity),
    message: d.message,
    line: d.range.start.line + 1,
    character: d.range.start.character + 1,
  }));
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const queries = JSON.parse(await readStdin());
if (!Array.isArray(queries)) throw new TypeError('expected a JSON array of {name, text} on stdin');
const results = queries.map(({ name, text }) => ({ name, diagnostics: lint(String(text)) }));
process.stdout.write(JSON.stringify(results) + '\n');
