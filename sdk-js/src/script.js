// Script-tag configuration: <script defer src=".../sdk.js" data-site="KEY"></script>; every
// data-* attribute is the option of the same name (data-sample-rate -> sampleRate). The
// endpoint defaults to the origin the script was loaded from.
export const auto = (init, s = document.currentScript) =>
  s?.dataset.site && init({ endpoint: new URL(s.src).origin, ...s.dataset });
