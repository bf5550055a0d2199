// The phone's network: an HTTP proxy between the browser and Flask that a test can make
// misbehave (answer 503, drop the connection after the server has answered). Playwright's own
// request routing does not see requests of a page controlled by a service worker, so the bad
// network is placed where a real one would be: on the wire.
import { createServer, request } from 'node:http'

export async function startNetwork(target) {
  const { hostname, port } = new URL(target)
  const faults = [] // [{method, path, action: 'status503' | 'dropAfterServer'}], each used once
  const seen = []

  const forward = (req, body, onResponse) => {
    const upstream = request({ hostname, port, method: req.method, path: req.url, headers: req.headers }, onResponse)
    upstream.end(body)
  }

  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const path = req.url.split('?')[0]
      seen.push(`${req.method} ${path}`)
      const index = faults.findIndex((f) => f.method === req.method && f.path === path)
      const fault = index >= 0 ? faults.splice(index, 1)[0] : null
      if (fault?.action === 'status503') {
        res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1' })
        res.end(JSON.stringify({ status: 503, title: 'Serviço indisponível', detail: 'Servidor ocupado, tente de novo.' }))
        return
      }
      forward(req, body, (upstream) => {
        if (fault?.action === 'dropAfterServer') {
          upstream.resume()
          upstream.on('end', () => req.socket.destroy()) // the server answered; the phone never hears it
          return
        }
        res.writeHead(upstream.statusCode, upstream.headers)
        upstream.pipe(res)
      })
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    fail: (method, path, action) => faults.push({ method, path, action }),
    count: (what) => seen.filter((s) => s === what).length,
    stop: () => new Promise((resolve) => server.close(resolve)),
  }
}
