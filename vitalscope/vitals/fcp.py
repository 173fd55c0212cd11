"""First Contentful Paint: first text or image painted (web.dev/articles/fcp). Its
attribution is not reported, so the SDK's attribution builds use the plain version."""

from vitalscope.vitals.metric import Metric

FCP = Metric("FCP", "First Contentful Paint", "ms", good=1800.0, poor=3000.0, hist_step=50,
             sdk="onFCP", sdk_attribution=False, lab=True)
