// Runs browser/page.mjs in headless Chromium against a libp2p listener:
//
//   node browser/run.mjs <multiaddr with /ws and /p2p> [--echo N] [--chromium PATH]
//
// It bundles the page with esbuild, serves it on 127.0.0.1 (a page on http://
// may open ws:// connections, as a dApp served over plain HTTP does), starts
// Chromium with puppeteer-core (CHROMIUM or --chromium, else /usr/bin/chromium),
// and prints the page's result as one JSON line: {"ok":true,...} or
// {"ok":false,"error":...}. Exit code 0 when ok, 1 otherwise, 2 for bad usage.
import { build } from 'esbuild'
import puppeteer from 'puppeteer-core'
import { createServer } from 'node:http'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))

function usage (message) {
  process.stderr.write(`${message}\nusage: node browser/run.mjs <multiaddr> [--echo N] [--chromium PATH]\n`)
  process.exit(2)
}

function parse (argv) {
  const opts = { echo: 1 << 20, chromium: process.env.CHROMIUM ?? '/usr/bin/chromium', addr: undefined }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--echo') opts.echo = Number(argv[++i])
    else if (a === '--chromium') opts.chromium = argv[++i]
    else if (!a.startsWith('--') && opts.addr == null) opts.addr = a
    else usage(`unexpected argument ${JSON.stringify(a)}`)
  }
  if (opts.addr == null) usage('the multiaddr to dial is missing')
  if (!Number.isSafeInteger(opts.echo) || opts.echo < 0) usage('--echo takes a byte count')
  if (!existsSync(opts.chromium)) {
    // A result line, so that the test that runs this says why.
    process.stdout.write(JSON.stringify({ ok: false, error: `no Chromium at ${opts.chromium}: install Debian's chromium package (the Maven build does, as root) or set CHROMIUM` }) + '\n')
    process.exit(1)
  }
  return opts
}

async function bundle () {
  const result = await build({
    entryPoints: [join(here, 'page.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning'
  })
  return result.outputFiles[0].contents
}

function serve (script) {
  const page = '<!doctype html><meta charset="utf-8"><title>jlibp2p browser test</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>'
  const server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    } else if (req.url.startsWith('/?') || req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page)
    } else {
      res.writeHead(404).end()
    }
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

async function main () {
  const opts = parse(process.argv.slice(2))
  const server = await serve(await bundle())
  // The flags a root, sandbox-less CI machine with a closed network needs:
  // no sandbox (root), no GPU, no background requests to Google's hosts.
  const browser = await puppeteer.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
  })
  try {
    const page = await browser.newPage()
    page.on('console', (msg) => process.stderr.write(`[page] ${msg.text()}\n`))
    page.on('pageerror', (err) => process.stderr.write(`[page error] ${err.message}\n`))
    const url = `http://127.0.0.1:${server.address().port}/?addr=${encodeURIComponent(opts.addr)}&echo=${opts.echo}`
    await page.goto(url)
    await page.waitForFunction(() => window.__libp2pResult != null, { timeout: 90_000, polling: 100 })
    const result = await page.evaluate(() => window.__libp2pResult)
    process.stdout.write(JSON.stringify(result) + '\n')
    return result.ok ? 0 : 1
  } finally {
    await browser.close()
    server.close()
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stdout.write(JSON.stringify({ ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` }) + '\n')
    process.exit(1)
  }
)
