"""Time to First Byte: from navigation start to the first byte of the response
(web.dev/articles/ttfb). Its sub-parts come from the LCP attribution and server timings,
not from a TTFB attribution build. The SDK reads it from the navigation entry itself (as
web-vitals does): it is the document's alone, web-vitals' onTTFB would only add bytes."""

from vitalscope.vitals.metric import Metric

TTFB = Metric("TTFB", "Time to First Byte", "ms", good=800.0, poor=1800.0, hist_step=25,
              sdk=None, sdk_attribution=False, lab=True)
