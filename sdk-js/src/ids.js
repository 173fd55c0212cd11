// Page-view and tab-session ids: random digits plus the clock in base 36. They identify
// page views, they protect nothing, so Math.random is enough (crypto.randomUUID needs a
// secure context the measured page may not have).
export const rid = () => Math.random().toString(36).slice(2, 12) + Date.now().toString(36);

// Tab-session id: sessionStorage lives as long as the tab and is never sent as a cookie.
// Where storage is blocked every page view gets its own session rather than a persistent id.
export const session = () => {
  try {
    return (sessionStorage.vs_sid ||= rid());
  } catch {
    return rid();
  }
};

// Sticky sampling: the decision comes from the random digits of the session id, so every
// page view of a sampled-in tab is kept and no extra state is stored.
export const sampled = (sid, rate) => parseInt(sid.slice(0, 6), 36) / 36 ** 6 < rate;
