import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Port 5173 on localhost: an origin the local stack allows without any CORS_ORIGINS setting.
export default defineConfig({
  plugins: [react()],
  server: { host: 'localhost', port: 5173, strictPort: true },
});
