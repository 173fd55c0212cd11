"""The Dash app: shell (navigation, filters in the URL, live refresh) and one view per page."""
