"""One module per dashboard page. Each declares its `PAGE` (web/page.py: path, title, layout,
callbacks, live blocks), listed in web/registry.py; its layout function
`render(service, filters, params)` returns the content for filters already validated."""
