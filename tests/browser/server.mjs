// A tiny static file server for the browser tests: serves a built site on
// 127.0.0.1 (a free port), under a base path, and records every request.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.ics': 'text/calendar; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
};

/**
 * Starts serving `root` under `basePath` ("/" or "/sub/").
 * Resolves to { url, port, close(), log } where `log` holds
 * { method, path, status } of every request.
 */
export function serve(root, basePath = '/') {
  const base = basePath.endsWith('/') ? basePath : `${basePath}/`;
  const absRoot = path.resolve(root);
  const log = [];
  const server = http.createServer((req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8', headers = {}) => {
      log.push({ method: req.method, path: req.url, status });
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'method not allowed');
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      send(400, 'bad request');
      return;
    }
    const notFound = () => {
      const page = path.join(absRoot, '404.html');
      if (fs.existsSync(page)) {
        send(404, fs.readFileSync(page), TYPES['.html']);
      } else {
        send(404, 'not found');
      }
    };
    if (!pathname.startsWith(base)) {
      notFound();
      return;
    }
    const rel = pathname.slice(base.length);
    let file = path.resolve(absRoot, rel);
    if (file !== absRoot && !file.startsWith(absRoot + path.sep)) {
      notFound();
      return;
    }
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat && stat.isDirectory()) {
      if (!pathname.endsWith('/')) {
        send(301, '', 'text/plain', { Location: `${pathname}/` });
        return;
      }
      file = path.join(file, 'index.html');
      stat = fs.statSync(file, { throwIfNoEntry: false });
    }
    if (!stat || !stat.isFile()) {
      notFound();
      return;
    }
    const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    send(200, fs.readFileSync(file), type);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        port,
        origin: `http://127.0.0.1:${port}`,
        url: `http://127.0.0.1:${port}${base}`,
        log,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}
