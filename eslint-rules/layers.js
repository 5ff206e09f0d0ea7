import { dirname, extname, relative, resolve, sep } from 'node:path';

/**
 * `layers/imports`: which part of the code may import which, resolved to files rather than matched on
 * the import's text. `no-restricted-imports` sees only the string: `../../sandbox` from one folder and
 * `../sandbox` from another name the same module, and `@main/...` aliases another way still, so a
 * pattern list either misses a wrong import or forbids a right one.
 *
 * Options: `{ root, aliases, layers, exceptions }`. A file belongs to the first layer whose pattern (a
 * regular expression) matches its path from `root`, without extension and with a trailing `/` (so a
 * folder's index and the folder match alike). An import is allowed within its own layer, into a layer
 * the importer's `may` lists, or by an exception; files and packages outside every layer are not checked.
 * A layer whose pattern captures a name (features/<name>/) keeps each name to itself.
 */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports pointing the way the architecture allows' },
    schema: [{ type: 'object' }],
    messages: { wrong: '{{file}} ({{from}}) must not import {{target}} ({{to}}): {{why}}' },
  },
  create(context) {
    const { root, aliases = {}, layers, exceptions = [] } = context.options[0];
    const compiled = layers.map((layer) => ({ ...layer, pattern: new RegExp(layer.files) }));
    const allowed = exceptions.map((e) => ({ from: new RegExp(e.from), to: new RegExp(e.to) }));

    const key = (absolute) => {
      const path = relative(root, absolute).split(sep).join('/');
      const ext = extname(path);
      return `${['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.css'].includes(ext) ? path.slice(0, -ext.length) : path}/`;
    };
    const layerOf = (path) => {
      for (const layer of compiled) {
        const match = layer.pattern.exec(path);
        if (match) return { layer, name: match[1] };
      }
      return undefined;
    };
    const resolveImport = (spec) => {
      if (spec.startsWith('.')) return key(resolve(dirname(context.filename), spec));
      const alias = Object.keys(aliases).find((prefix) => spec.startsWith(prefix));
      return alias ? key(resolve(root, aliases[alias], spec.slice(alias.length))) : undefined;
    };

    const file = key(context.filename);
    const from = layerOf(file);
    if (!from) return {};
    const label = (found) => (found.name ? `${found.layer.name} ${found.name}` : found.layer.name);

    const check = (source) => {
      if (!source || typeof source.value !== 'string') return;
      const target = resolveImport(source.value);
      if (!target) return;
      const to = layerOf(target);
      if (!to) return;
      if (to.layer === from.layer && to.name === from.name) return;
      if (to.layer !== from.layer && from.layer.may.includes(to.layer.name)) return;
      if (allowed.some((e) => e.from.test(file) && e.to.test(target))) return;
      context.report({
        node: source,
        messageId: 'wrong',
        data: { file: file.slice(0, -1), from: label(from), target: source.value, to: label(to), why: from.layer.why },
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source.type === 'Literal' ? node.source : undefined),
    };
  },
};

export default { meta: { name: 'promptreel-layers' }, rules: { imports: rule } };
