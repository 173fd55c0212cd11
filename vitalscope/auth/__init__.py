"""Sign-in for every HTTP surface: Redis-backed sessions, throttling of wrong credentials,
and the gate that authenticates admin and API requests before anything reads their body."""
