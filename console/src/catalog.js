// The catalog browser: catalogs, schemas, tables and their columns with types, from /console/catalog, which
// answers with what the signed-in key may see. Double-clicking a table inserts its name into the editor.

export async function loadCatalog(api, tree, editor) {
  let answer;
  try {
    answer = await api.catalog();
  } catch (error) {
    tree.textContent = `Cannot read the catalog: ${error.message}`;
    return false;
  }
  const { currentCatalog, currentSchema, columns } = answer;
  editor.setCatalog(columns, currentCatalog, currentSchema);
  const nested = new Map();
  for (const column of columns) {
    const schemas = getOrAdd(nested, column.catalog, () => new Map());
    const tables = getOrAdd(schemas, column.schema, () => new Map());
    getOrAdd(tables, column.table, () => []).push(column);
  }
  const roots = [];
  for (const [catalog, schemas] of nested) {
    const catalogNode = details(catalog, catalog === currentCatalog || nested.size === 1);
    catalogNode.dataset.catalog = catalog;
    for (const [schema, tables] of schemas) {
      const schemaNode = details(schema, (catalog === currentCatalog && schema === currentSchema) || schemas.size === 1);
      for (const [table, tableColumns] of tables) {
        const tableNode = details(table, false, 'table-name');
        tableNode.dataset.table = `${catalog}.${schema}.${table}`;
        tableNode.querySelector('summary').addEventListener('dblclick', () => {
          const name = catalog === currentCatalog && schema === currentSchema ? quote(table) : [catalog, schema, table].map(quote).join('.');
          editor.insert(name);
        });
        for (const column of tableColumns) {
          const line = document.createElement('div');
          line.className = 'column';
          line.textContent = column.column;
          const type = document.createElement('span');
          type.className = 'type';
          type.textContent = column.type;
          line.appendChild(type);
          tableNode.appendChild(line);
        }
        schemaNode.appendChild(tableNode);
      }
      catalogNode.appendChild(schemaNode);
    }
    roots.push(catalogNode);
  }
  if (!roots.length) tree.textContent = 'No tables are visible to this key. An administrator can grant access to some.';
  else tree.replaceChildren(...roots);
  tree.dataset.columns = String(columns.length);
  return true;
}

function details(label, open, className) {
  const node = document.createElement('details');
  node.open = open;
  const summary = document.createElement('summary');
  summary.textContent = label;
  if (className) summary.className = className;
  node.appendChild(summary);
  return node;
}

function quote(name) {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function getOrAdd(map, key, create) {
  if (!map.has(key)) map.set(key, create());
  return map.get(key);
}
