// What the tests read: every error hls.js reports, and how far loading got. window.kc is polled by
// HlsJsPlayer.Tab.state(). Not part of any app: a page includes it to be observable.
window.kc = { errors: [], fatal: null, fragments: 0, levelLoads: 0, manifests: 0 };
function watch(hls, video) {
  const kc = window.kc;
  hls.on(Hls.Events.ERROR, (event, data) => {
    kc.errors.push({ type: String(data.type), details: String(data.details), fatal: !!data.fatal,
                     status: data.response && data.response.code ? data.response.code : 0 });
    if (data.fatal && !kc.fatal) { kc.fatal = String(data.details); }
  });
  hls.on(Hls.Events.MANIFEST_LOADED, () => { kc.manifests++; });
  hls.on(Hls.Events.LEVEL_LOADED, () => { kc.levelLoads++; });
  hls.on(Hls.Events.FRAG_LOADED, () => { kc.fragments++; });
  hls.on(Hls.Events.MANIFEST_PARSED, () => { video.play().catch(() => {}); });
}
