// `node:process` for the function bundles (an alias of lib/bundling.ts): the process object
// itself. An ES import of `node:process` builds its ESM facade, which reads every property of
// `process`, lazy getters included (`allowedNodeEnvironmentFlags`, `report`, …): about 10 ms.
module.exports = process.getBuiltinModule('node:process');
