"""`vitalscope demo`: the whole product working on one machine, from one command."""
