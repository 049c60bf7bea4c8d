// A tiny static file server for the built site, bound to 127.0.0.1 on a free port.
// It serves `.wasm` as application/wasm (needed for streaming compilation) and can mount the
// site under a sub-path to check that `dist/` works from any prefix. With `gzip`, it compresses
// responses (gzip -9) for clients that accept it, as a static host would (the page benchmark's
// throttled load). With `cors`, every response carries `Access-Control-Allow-Origin: *`, as GitHub
// Pages and most static hosts send (a sandboxed frame, whose origin is opaque, needs it for its
// module scripts, WebAssembly and stylesheets); without it, none does.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export async function serve(root, { prefix = '/', gzip = false, cors = false } = {}) {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let pathname = decodeURIComponent(url.pathname);
      if (!pathname.startsWith(prefix)) {
        res.writeHead(404).end('not found');
        return;
      }
      pathname = pathname.slice(prefix.length);
      if (pathname === '' || pathname.endsWith('/')) pathname += 'index.html';
      const file = path.join(root, pathname);
      if (!file.startsWith(path.resolve(root))) {
        res.writeHead(403).end('forbidden');
        return;
      }
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      let body = await readFile(file);
      const headers = {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      };
      if (cors) headers['access-control-allow-origin'] = '*';
      if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        body = gzipSync(body, { level: 9 });
        headers['content-encoding'] = 'gzip';
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
