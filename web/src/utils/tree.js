// tree.js - records with parent_id (departments, roles) as a tree for
// el-tree, and as an indented flat list for parent pickers. A parent that
// is missing (deleted, not visible) makes its children roots.
export function buildTree(records) {
  const byId = new Map(records.map(r => [r.id, { ...r, children: [] }]));
  const roots = [];
  for (const node of byId.values()) {
    const parent = node.parent_id && byId.get(node.parent_id);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = list => { list.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')); list.forEach(n => sort(n.children)); };
  sort(roots);
  return roots;
}

// Every node but `excludeId` and its subtree, depth-first, with its depth.
export function flatten(roots, excludeId = null, depth = 0, out = []) {
  for (const n of roots) {
    if (n.id === excludeId) continue;
    out.push({ id: n.id, name: n.name, depth });
    flatten(n.children, excludeId, depth + 1, out);
  }
  return out;
}
