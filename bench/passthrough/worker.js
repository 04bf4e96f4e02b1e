// The baseline for `make bench`: a bare Worker that forwards each request to the
// sandbox through a service binding and does nothing else. The edge's figures are
// printed as a ratio of this one's, measured in the same run.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return env.SANDBOX.fetch(new Request(`http://sandbox${url.pathname}${url.search}`, request));
  },
};
