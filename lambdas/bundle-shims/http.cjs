// `node:http` for the function bundles (an alias of lib/bundling.ts): the module object itself,
// taken with process.getBuiltinModule. An ES import of `node:http` builds its ESM facade, which
// reads every export, lazy getters included, and one of them loads Node's undici: about 50 ms
// of every cold start here, in functions that never call fetch.
module.exports = process.getBuiltinModule('node:http');
