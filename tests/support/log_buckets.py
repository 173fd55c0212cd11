"""How close a quantile the dashboard shows is to quantileExact since migration 0084: the
vital rollups count samples per logarithmic bucket 0.5 % wide and a quantile is the centre of
the bucket holding the sample quantileExact picks, so at most half a bucket away (and a
hair for floating point)."""

HALF_BUCKET = 1.005 ** 0.5 - 1 + 1e-9
