"""Interaction to Next Paint: latency of (nearly) the slowest interaction of the visit
(web.dev/articles/inp). Small values, so finer histogram buckets."""

from vitalscope.vitals.metric import Metric

INP = Metric("INP", "Interaction to Next Paint", "ms", good=200.0, poor=500.0, hist_step=10,
             sdk="onINP", sdk_attribution=True, lab=True)
