"""The HTTP side of every role: health, admin API, and the component routers."""
