/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The edge's origin (default http://127.0.0.1:8787, `make dev`'s). */
  readonly VITE_EDGE_URL?: string;
  /** A publishable key that allows this page's origin (default pk_test_portal). */
  readonly VITE_PUBLISHABLE_KEY?: string;
}
