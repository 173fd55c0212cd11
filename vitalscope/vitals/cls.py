"""Cumulative Layout Shift: the largest burst of unexpected layout shifts
(web.dev/articles/cls). A unitless score: a shift moves at most the whole viewport, so a
burst past 100 is a measuring bug the wire refuses."""

from vitalscope.vitals.metric import Metric

CLS = Metric("CLS", "Cumulative Layout Shift", "", good=0.1, poor=0.25, hist_step=0.005,
             sdk="onCLS", sdk_attribution=True, lab=True, max_value=100)
