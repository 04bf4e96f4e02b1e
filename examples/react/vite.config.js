import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  base: "/",
  plugins: [react()],
  // The example's own origin, the one its publishable key allows (pk_test_portal).
  server: { host: "127.0.0.1", port: 8789, strictPort: true },
  preview: { host: "127.0.0.1", port: 8789, strictPort: true },
});
