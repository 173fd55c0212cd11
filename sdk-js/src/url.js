// Query and fragment often carry personal data or tokens: they are dropped unless a query
// parameter is explicitly kept.
export const scrub = (href, keep = []) => {
  const u = new URL(href, location.href);
  u.search = new URLSearchParams([...u.searchParams].filter(([k]) => keep.includes(k)));
  u.hash = '';
  return u.href.slice(0, 2048);
};

// Query strings cut from the URLs inside a text (a stack, a script's invoker).
export const strip = (text) => text.replace(/\?[^\s):]*/g, '');

// Route patterns, first match wins: `:name` matches one path segment, a trailing `*` the rest.
export const group = (path, routes) =>
  routes.find((r) => RegExp('^' + r.replace(/:[^/]+/g, '[^/]+').replace(/\*$/, '.*') + '/?$').test(path));
