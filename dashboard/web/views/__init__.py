"""One module per dashboard page; each `render(service, filters, params)` returns its
content. Filters are already validated."""
