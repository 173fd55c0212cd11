"""Named SQL of the demo."""
