// The real back end for one test: a copy of the seeded database, its own uploads folder and a
// free port; `flask run` from the project's venv, serving the built PWA (pwa/dist).
import { spawn } from 'node:child_process'
import { appendFileSync, copyFileSync, cpSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const PATHS = {
  root,
  flask: `${root}/.venv/bin/flask`,
  python: `${root}/.venv/bin/python`,
  dist: `${root}/pwa/dist`,
  work: `${root}/pwa/test-results/.e2e`,
  template: `${root}/pwa/test-results/.e2e/template.db`,
}

export function flaskEnv({ database, uploads, port, dist = PATHS.dist }) {
  const env = { ...process.env }
  for (const key of ['TEST_DATABASE_URL', 'REDIS_URL', 'RATELIMIT_STORAGE_URI']) delete env[key]
  return {
    ...env,
    FLASK_APP: 'server',
    ASSISTEC_ENV: 'development',
    SECRET_KEY: 'e2e-only-secret',
    DATABASE_URL: `sqlite:///${database}`,
    UPLOAD_FOLDER: uploads,
    PWA_DIST: dist,
    RATELIMIT_ENABLED: 'false',
    ...(port ? { PORT: String(port) } : {}),
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolvePort(port))
    })
  })
}

export async function startServer(name) {
  const dir = `${PATHS.work}/${name.replace(/[^a-z0-9]+/gi, '-')}-${process.pid}-${Date.now()}`
  mkdirSync(`${dir}/uploads`, { recursive: true })
  copyFileSync(PATHS.template, `${dir}/app.db`)
  // Each test serves its own copy of the build, so one may publish a "new version" of it.
  cpSync(PATHS.dist, `${dir}/dist`, { recursive: true })
  const port = await freePort()
  const env = flaskEnv({ database: `${dir}/app.db`, uploads: `${dir}/uploads`, port, dist: `${dir}/dist` })
  const child = spawn(PATHS.flask, ['run', '--host', '127.0.0.1', '--port', String(port)], { cwd: root, env, stdio: 'pipe' })
  let log = ''
  const keep = (d) => {
    log += d
    appendFileSync(`${dir}/flask.log`, d)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 150; i += 1) {
    try {
      const response = await fetch(`${url}/api/auth/me`)
      if (response.status === 401) return { url, dir, dist: `${dir}/dist`, stop: () => child.kill('SIGTERM'), log: () => log }
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGTERM')
  throw new Error(`Flask did not start:\n${log}`)
}
