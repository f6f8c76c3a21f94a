// Validates every .glb below the given directories (or the given files) with the Khronos glTF
// Validator. Prints one JSON line per file with its error/warning counts and messages, and
// exits 1 when any file has an error.
import validator from "gltf-validator";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname, resolve } from "node:path";

function glbFiles(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).flatMap((name) => glbFiles(join(path, name)))
    .filter((p) => p.endsWith(".glb"));
}

const files = process.argv.slice(2).flatMap(glbFiles);
let failed = 0;
for (const file of files) {
  const report = await validator.validateBytes(new Uint8Array(readFileSync(file)), {
    uri: file,
    maxIssues: 50,
    externalResourceFunction: (uri) =>
      Promise.resolve(new Uint8Array(readFileSync(resolve(dirname(file), decodeURIComponent(uri))))),
  });
  const { numErrors, numWarnings, numInfos } = report.issues;
  if (numErrors > 0) failed++;
  const messages = report.issues.messages
    .filter((m) => m.severity <= 1)
    .map((m) => `${m.severity === 0 ? "error" : "warning"} ${m.code} ${m.pointer ?? ""}: ${m.message}`);
  console.log(JSON.stringify({ file, errors: numErrors, warnings: numWarnings, infos: numInfos, messages }));
}
console.log(JSON.stringify({ files: files.length, failed }));
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
