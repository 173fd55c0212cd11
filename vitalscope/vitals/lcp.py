"""Largest Contentful Paint: render time of the largest image or text block in the viewport
(web.dev/articles/lcp)."""

from vitalscope.vitals.metric import Metric

LCP = Metric("LCP", "Largest Contentful Paint", "ms", good=2500.0, poor=4000.0, hist_step=50,
             sdk="onLCP", sdk_attribution=True, lab=True)
