#!/usr/bin/env python3
"""gen_sample.py - realistic, messy registry exports for yiwang (一网).

Writes what county, city and province agencies really export for the three
kinds of the data standard - official cars (公务用车), office buildings
(办公用房) and official-reception filings (公务接待备案) - as CSV (Chinese
column names, CRLF, GB18030 by default) or JSON lines (pinyin / English keys),
with real codes and the mess agencies produce, plus a known share of bad rows.

    gen_sample.py --kind vehicle --region 370102 --rows 1000 \\
        [--format csv|jsonl] [--encoding gb18030|gbk|utf-8] [--bad-rate 0.02] \\
        [--seed 1] [--out FILE|-] [--truth FILE] [--id-offset 0]
    gen_sample.py --self-test

Python 3 standard library only. Output depends only on the arguments (and the
region table), never on the clock or the Python version's hash seed.

Codes are real: GB/T 2260 region codes from codebook/data/regions.tsv; unified
social credit codes (GB 32100) with a correct mod-31 check character and a
correct embedded GB 11714 organisation-code check; VINs (ISO 3779) of Chinese
makers' WMIs with a correct check digit; GA 36 plates of the region's city.

Identity: row i of a file describes object number (id-offset + i). The same
object number gives the same car (VIN, model, purchase) in every file and
for every seed, so two files with overlapping offsets report the same cars
(a cross-jurisdiction finding); give files disjoint offsets to avoid that.
Buildings and filings belong to their region's units, so they never collide
across regions. --seed only chooses the mess, the bad rows and the repeats.

--truth FILE writes one line per generated row:
    line<TAB>expected<TAB>field<TAB>note
line: the 1-based line where the row starts (CSV: header is line 1);
expected: "ok" or the reason code `yiwang check` should report (MISSING,
BAD_CSV, VIN_CHECK ...); field: the standard field the reason is about ("" for
the whole row); note: what was done (e.g. "repeat of line 17").

See deploy/samples/README.md for the columns, the mess and the bad rows.
"""

import argparse
import csv
import datetime
import hashlib
import io
import json
import os
import random
import sys
import unicodedata

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_REGIONS = os.path.join(REPO, 'codebook', 'data', 'regions.tsv')
DEFAULT_SUCCESSION = os.path.join(REPO, 'codebook', 'data', 'region_succession.tsv')

# Fixed "today": the output never depends on the clock.
TODAY = datetime.date(2025, 6, 30)
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (after 1900-02-28)

# A marker that becomes one undecodable byte (0xFF) after encoding: invalid in
# GB18030, GBK and UTF-8 alike.
BAD_MARK = '\u9f98\u9f98\u9f98'
BAD_BYTE = b'\xff'

M64 = (1 << 64) - 1


def mix(x):
    """splitmix64: a well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def stable_hash(text):
    return int.from_bytes(hashlib.md5(text.encode('utf-8')).digest()[:8], 'big')


# --------------------------------------------------------------------------
# Check characters (the same rules as codebook/validate.h)

USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'   # no I O Z S V
USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(s17):
    total = sum(USCC_VALUE[c] * w for c, w in zip(s17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_check_char(s8):
    """GB 11714: A=10 .. Z=35, weights 3 7 9 10 5 8 4 2, 11 - sum mod 11."""
    total = 0
    for c, w in zip(s8, ORG_WEIGHTS):
        total += (ord(c) - 48 if c.isdigit() else ord(c) - 55) * w
    c = 11 - total % 11
    return 'X' if c == 10 else '0' if c == 11 else str(c)


def make_uscc(authority_type, region, org8):
    body = authority_type + region + org8 + org_check_char(org8)
    return body + uscc_check_char(body)


def uscc_validate(text):
    """Reason code for a normalized USCC, or 'OK'."""
    if len(text) != 18:
        return 'USCC_LENGTH'
    if any(c not in USCC_VALUE for c in text):
        return 'USCC_CHARSET'
    if org_check_char(text[8:16]) != text[16]:
        return 'USCC_ORG_CHECK'
    if uscc_check_char(text[:17]) != text[17]:
        return 'USCC_CHECK'
    return 'OK'


VIN_TRANSLIT = dict(zip('ABCDEFGHJKLMNPRSTUVWXYZ',
                        (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9)))
VIN_TRANSLIT.update({str(d): d for d in range(10)})
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_CHARS = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'   # no I O Q


def vin_sum(text):
    return sum(VIN_TRANSLIT[c] * w for c, w in zip(text, VIN_WEIGHTS))


def vin_check_char(vin17):
    r = vin_sum(vin17) % 11
    return 'X' if r == 10 else str(r)


def vin_validate(text):
    if len(text) != 17:
        return 'VIN_LENGTH'
    if any(c not in VIN_TRANSLIT for c in text):
        return 'VIN_CHARSET'
    if vin_check_char(text) != text[8]:
        return 'VIN_CHECK'
    return 'OK'


PROVINCE_ABBR = {
    '11': '京', '12': '津', '13': '冀', '14': '晋', '15': '蒙', '21': '辽', '22': '吉',
    '23': '黑', '31': '沪', '32': '苏', '33': '浙', '34': '皖', '35': '闽', '36': '赣',
    '37': '鲁', '41': '豫', '42': '鄂', '43': '湘', '44': '粤', '45': '桂', '46': '琼',
    '50': '渝', '51': '川', '52': '贵', '53': '云', '54': '藏', '61': '陕', '62': '甘',
    '63': '青', '64': '宁', '65': '新',
}
PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'   # GA 36: no I, O
PLATE_ALNUM = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'


def plate_validate(text):
    """A plain GA 36 check of a normalized plate (enough for the self-test)."""
    if not text or text[0] not in PROVINCE_ABBR.values():
        return 'PLATE_PROVINCE' if text and '\u4e00' <= text[0] <= '\u9fff' else 'PLATE_FORMAT'
    rest = text[1:]
    if rest.endswith('警') and len(rest) == 6 and rest[0] in PLATE_LETTERS \
            and all(c in PLATE_ALNUM for c in rest[1:5]):
        return 'OK'
    if len(rest) not in (6, 7) or rest[0] not in PLATE_LETTERS:
        return 'PLATE_FORMAT'
    if any(c not in PLATE_ALNUM for c in rest[1:]):
        return 'PLATE_FORMAT'
    if len(rest) == 7 and rest[1] not in 'DFABCEGHJK' and rest[6] not in 'DF':
        return 'PLATE_FORMAT'
    return 'OK'


# What agencies write between a plate's parts, as printed on the plate or typed
# in spreadsheets: middle dot, bullet, katakana middle dot, hyphen, full-width
# hyphen. `yiwang` drops one that stands alone between two plate characters
# (codebook_norm_plate). GBK has only the middle dot and the hyphens.
PLATE_SEPARATORS = ('\u00b7', '\u2022', '\u30fb', '-', '\uff0d')
PLATE_SEPARATORS_GBK = ('\u00b7', '-', '\uff0d')


def _plate_char(c):
    return ('0' <= c <= '9') or ('A' <= c <= 'Z') or ('\u4e00' <= c <= '\u9fff')


def norm_plate(text):
    """A plate as yiwang normalizes it: NFKC, no spaces, upper case, and each
    separator that stands alone between two plate characters removed."""
    t = unicodedata.normalize('NFKC', text).replace(' ', '').replace('\u3000', '').upper()
    return ''.join(c for i, c in enumerate(t)
                   if not (c in '-\u00b7\u2022\u30fb' and 0 < i < len(t) - 1
                           and _plate_char(t[i - 1]) and _plate_char(t[i + 1])))


# Shandong's plate letters by city (GA 36 issuing authority letters)
SHANDONG_PLATE = {
    '3701': 'A', '3702': 'BU', '3703': 'C', '3704': 'D', '3705': 'E', '3706': 'FY',
    '3707': 'GV', '3708': 'H', '3709': 'J', '3710': 'K', '3711': 'L', '3713': 'Q',
    '3714': 'N', '3715': 'P', '3716': 'M', '3717': 'R',
}


# --------------------------------------------------------------------------
# Regions

PLACEHOLDER_NAMES = {'市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'}
MUNICIPALITIES = {'11', '12', '31', '50'}

# Used only when codebook/data/regions.tsv is absent (a checkout without it).
FALLBACK_REGIONS = [
    ('370000', '山东省', '', 1), ('370100', '济南市', '370000', 2),
    ('370102', '历下区', '370100', 3), ('370103', '市中区', '370100', 3),
    ('370104', '槐荫区', '370100', 3), ('370105', '天桥区', '370100', 3),
    ('370112', '历城区', '370100', 3), ('370116', '莱芜区', '370100', 3),
    ('370117', '钢城区', '370100', 3), ('370200', '青岛市', '370000', 2),
    ('370202', '市南区', '370200', 3), ('370203', '市北区', '370200', 3),
    ('370211', '黄岛区', '370200', 3), ('370212', '崂山区', '370200', 3),
    ('370300', '淄博市', '370000', 2), ('370600', '烟台市', '370000', 2),
    ('370700', '潍坊市', '370000', 2), ('371300', '临沂市', '370000', 2),
]


class Regions:
    def __init__(self, path, succession_path):
        self.by_code = {}
        self.source = path
        if path and os.path.exists(path):
            self._load(path)
        else:
            self.source = 'built-in fallback (%d Shandong codes)' % len(FALLBACK_REGIONS)
            for code, name, parent, level in FALLBACK_REGIONS:
                self.by_code[code] = (name, parent, level)
        self.old_codes = {}        # current code -> abolished codes that resolve to it only
        self.succession = set()    # every code the succession table knows
        if succession_path and os.path.exists(succession_path):
            self._load_succession(succession_path)
        self.children = {}
        for code, (_, parent, _) in self.by_code.items():
            self.children.setdefault(parent, []).append(code)
        for kids in self.children.values():
            kids.sort()

    def _load(self, path):
        with open(path, encoding='utf-8') as f:
            header = None
            for line in f:
                line = line.rstrip('\r\n')
                if not line or line.startswith('#'):
                    continue
                cols = line.split('\t')
                if header is None:
                    header = [c.strip().lower() for c in cols]
                    continue
                row = dict(zip(header, cols))
                code = row.get('code', cols[0]).strip()
                level = row.get('level', '').strip()
                self.by_code[code] = (row.get('name', '').strip(), row.get('parent', '').strip(),
                                      int(level) if level.isdigit() else self._level(code))

    def _load_succession(self, path):
        targets = {}
        with open(path, encoding='utf-8') as f:
            for line in f:
                line = line.rstrip('\r\n')
                if not line or line.startswith('#'):
                    continue
                cols = [c.strip() for c in line.split('\t')]
                codes = [c for c in cols if len(c) == 6 and c.isdigit()]
                if len(codes) < 2:
                    continue   # the header, or a row without two codes
                old, new = codes[0], codes[1]
                self.succession.update((old, new))
                targets.setdefault(old, set()).add(new)
        for old, news in targets.items():
            if len(news) == 1 and old not in self.by_code:
                new = next(iter(news))
                if new in self.by_code:
                    self.old_codes.setdefault(new, []).append(old)

    @staticmethod
    def _level(code):
        return 1 if code[2:] == '0000' else 2 if code[4:] == '00' else 3

    def __contains__(self, code):
        return code in self.by_code

    def name(self, code):
        return self.by_code[code][0]

    def level(self, code):
        return self.by_code[code][2]

    def parent(self, code):
        return self.by_code[code][1]

    def chain(self, code):
        """The region and its ancestors, province first."""
        out = []
        while code and code in self.by_code:
            out.append(code)
            code = self.parent(code)
        return out[::-1]

    def province(self, code):
        return code[:2] + '0000'

    def city(self, code):
        """The prefecture-level code over code (itself for a city), or None."""
        for c in self.chain(code):
            if self.level(c) == 2:
                return c
        return None

    def full_name(self, code):
        """济南市历下区, 北京市东城区, 山东省: names down the chain, placeholders skipped;
        a province's name is left out below it (addresses are written that way)."""
        parts = [self.name(c) for c in self.chain(code) if self.name(c) not in PLACEHOLDER_NAMES]
        if len(parts) > 1 and code[:2] not in MUNICIPALITIES:
            parts = parts[1:]
        return ''.join(parts)

    def short_name(self, code):
        name = self.name(code)
        return name if name not in PLACEHOLDER_NAMES else self.full_name(code)

    def cities(self, province_code):
        return [c for c in self.by_code if c[:2] == province_code[:2] and self.level(c) == 2]

    def unknown_codes(self, code):
        """Codes near `code` that are in neither table (for REGION_UNKNOWN rows)."""
        out = []
        for cand in (code[:4] + '99', code[:4] + '98', code[:2] + '9999', code[:2] + '8999',
                     '990101', code[:5], code + '1'):
            if cand not in self.by_code and cand not in self.succession:
                out.append(cand)
        return out


# --------------------------------------------------------------------------
# Units (the agencies that own the cars, buildings and filings)

# (name template, authority+type ('11' 机关, '12' 事业单位), vehicle profile, weight,
#  building name base template)  {p}: full place name, {s}: short, {c}: city
DEPARTMENTS = [
    ('中共{p}委员会办公室', '11', 'office', 2, '{s}委机关'),
    ('{p}人民政府办公室', '11', 'office', 2, '{s}人民政府'),
    ('{p}人民代表大会常务委员会办公室', '11', 'office', 1, '{s}人大常委会'),
    ('中国人民政治协商会议{p}委员会办公室', '11', 'office', 1, '{s}政协'),
    ('中共{p}纪律检查委员会', '11', 'enforce', 2, '{s}纪委监委'),
    ('中共{p}委员会机要保密局', '11', 'secret', 1, '{s}委机要保密局'),
    ('{p}发展和改革局', '11', 'office', 1, '{s}发展和改革局'),
    ('{p}教育和体育局', '11', 'office', 1, '{s}教育和体育局'),
    ('{police}', '11', 'police', 8, '{police_short}'),
    ('{p}民政局', '11', 'office', 1, '{s}民政局'),
    ('{p}司法局', '11', 'enforce', 1, '{s}司法局'),
    ('{p}财政局', '11', 'office', 1, '{s}财政局'),
    ('{p}人力资源和社会保障局', '11', 'office', 1, '{s}人力资源和社会保障局'),
    ('{p}自然资源局', '11', 'enforce', 1, '{s}自然资源局'),
    ('{p}住房和城乡建设局', '11', 'enforce', 1, '{s}住房和城乡建设局'),
    ('{p}交通运输局', '11', 'enforce', 2, '{s}交通运输局'),
    ('{p}农业农村局', '11', 'enforce', 1, '{s}农业农村局'),
    ('{p}水务局', '11', 'office', 1, '{s}水务局'),
    ('{p}商务局', '11', 'office', 1, '{s}商务局'),
    ('{p}文化和旅游局', '11', 'enforce', 1, '{s}文化和旅游局'),
    ('{p}卫生健康局', '11', 'health', 1, '{s}卫生健康局'),
    ('{p}退役军人事务局', '11', 'office', 1, '{s}退役军人事务局'),
    ('{p}应急管理局', '11', 'emergency', 2, '{s}应急管理局'),
    ('{p}审计局', '11', 'office', 1, '{s}审计局'),
    ('{p}市场监督管理局', '11', 'enforce', 3, '{s}市场监督管理局'),
    ('{p}统计局', '11', 'office', 1, '{s}统计局'),
    ('{p}医疗保障局', '11', 'office', 1, '{s}医疗保障局'),
    ('{p}综合行政执法局', '11', 'enforce', 3, '{s}综合行政执法局'),
    ('{p}人民法院', '11', 'enforce', 2, '{s}人民法院'),
    ('{p}人民检察院', '11', 'enforce', 2, '{s}人民检察院'),
    ('{p}机关事务服务中心', '12', 'office', 2, '{s}机关事务服务中心'),
    ('{p}疾病预防控制中心', '12', 'health', 2, '{s}疾病预防控制中心'),
    ('{p}融媒体中心', '12', 'office', 1, '{s}融媒体中心'),
    ('{p}政务服务中心', '12', 'office', 1, '{s}政务服务中心'),
    ('{p}档案馆', '12', 'office', 1, '{s}档案馆'),
]

# Standard vehicle categories (DESIGN 2) as the share of a unit's cars
VEHICLE_PROFILES = {
    'office':    {'其他用车': 80, '机要通信用车': 8, '应急保障用车': 12},
    'enforce':   {'执法执勤用车': 70, '其他用车': 25, '应急保障用车': 5},
    'police':    {'执法执勤用车': 88, '其他用车': 7, '机要通信用车': 5},
    'secret':    {'机要通信用车': 90, '其他用车': 10},
    'emergency': {'应急保障用车': 75, '执法执勤用车': 10, '其他用车': 15},
    'health':    {'特种专业技术用车': 60, '应急保障用车': 25, '其他用车': 15},
}


class Unit:
    __slots__ = ('name', 'uscc', 'profile', 'weight', 'building', 'police')

    def __init__(self, name, uscc, profile, weight, building, police):
        self.name, self.uscc, self.profile = name, uscc, profile
        self.weight, self.building, self.police = weight, building, police


def make_units(regions, code):
    level = regions.level(code)
    full = regions.full_name(code)
    short = regions.short_name(code)
    city = regions.city(code)
    city_name = regions.full_name(city) if city else full
    if level == 3 and short.endswith('区') and city:
        police, police_short = '%s公安局%s分局' % (city_name, short), '%s公安分局' % short
    else:
        police, police_short = '%s公安局' % full, '%s公安局' % short
    units = []
    for template, kind, profile, weight, building in DEPARTMENTS:
        # names differ by level: 卫生健康局 in a county, 卫生健康委员会 above ...
        if level < 3 and template == '{p}卫生健康局':
            template = '{p}卫生健康委员会'
        if level < 3 and template == '{p}发展和改革局':
            template = '{p}发展和改革委员会'
        if level < 3 and template == '{p}机关事务服务中心':
            template, kind = '{p}机关事务管理局', '11'
        if level == 1 and template.startswith('中共{p}委员会'):
            template = template.replace('中共{p}委员会', '中共{p}委')
        name = template.format(p=full, police=police)
        bname = building.format(s=short, police_short=police_short)
        h = stable_hash(code + name)
        if kind == '12' and h & 1:
            org8 = 'MB%06d' % ((h >> 8) % 1000000)      # newer 事业单位 codes
        elif kind == '12':
            org8 = '4%07d' % ((h >> 8) % 10000000)
        else:
            org8 = '00%06d' % ((h >> 8) % 1000000)      # older 机关 codes
        units.append(Unit(name, make_uscc(kind, code, org8), profile, weight, bname,
                          profile == 'police'))
    return units


# --------------------------------------------------------------------------
# Streets and places (a few real ones where known, else common street names)

STREETS = {
    '370102': '泺源大街 经十路 解放路 历山路 文化东路 山大路 和平路 黑虎泉西路 明湖东路 燕子山路 '
              '千佛山路 趵突泉北路 泉城路 东关大街 舜耕路'.split(),
    '370103': '经四路 纬二路 英雄山路 经七路 二环南路 纬一路 经二路 舜耕路 郎茂山路'.split(),
    '370104': '经十路 纬十二路 张庄路 日照路 经六路 腊山河东路 兴福寺路'.split(),
    '370105': '北园大街 无影山路 标山路 济洛路 官扎营街 堤口路 生产路'.split(),
    '370112': '花园路 二环东路 工业北路 华信路 辛祝路 洪家楼南路 山大北路'.split(),
    '370202': '香港中路 东海西路 南京路 闽江路 福州南路 山东路 江西路 宁夏路 太平路'.split(),
    '370203': '辽宁路 延安路 敦化路 重庆南路 台东一路 鞍山路 长春路 威海路'.split(),
    '370211': '长江中路 井冈山路 紫金山路 黄河中路 香江路 嘉陵江东路'.split(),
    '370212': '海尔路 松岭路 株洲路 同安路 秦岭路 深圳路'.split(),
}
COMMON_STREETS = ('人民路 解放路 中山路 建设路 和平路 胜利路 文化路 府前街 新华路 政府路 振兴路 '
                  '迎宾大道 光明路 东风路 团结路 朝阳路 北京路 青年路 行政路 府东路 长江路 '
                  '黄河路 泰山路 民主街 城关路').split()

# Approximate coordinates (lng, lat) of provincial capitals, and a few counties
CENTERS = {
    '11': (116.40, 39.90), '12': (117.20, 39.13), '13': (114.51, 38.04), '14': (112.55, 37.87),
    '15': (111.75, 40.84), '21': (123.43, 41.80), '22': (125.32, 43.82), '23': (126.53, 45.80),
    '31': (121.47, 31.23), '32': (118.80, 32.06), '33': (120.16, 30.27), '34': (117.23, 31.82),
    '35': (119.30, 26.08), '36': (115.86, 28.68), '37': (117.00, 36.65), '41': (113.63, 34.75),
    '42': (114.31, 30.59), '43': (112.94, 28.23), '44': (113.26, 23.13), '45': (108.37, 22.82),
    '46': (110.20, 20.04), '50': (106.55, 29.56), '51': (104.07, 30.57), '52': (106.63, 26.65),
    '53': (102.83, 24.88), '54': (91.11, 29.65), '61': (108.94, 34.34), '62': (103.83, 36.06),
    '63': (101.78, 36.62), '64': (106.23, 38.49), '65': (87.62, 43.83), '71': (121.50, 25.03),
    '81': (114.17, 22.32), '82': (113.54, 22.19),
    '370102': (117.08, 36.67), '370103': (116.99, 36.65), '370104': (116.90, 36.65),
    '370105': (116.99, 36.69), '370112': (117.07, 36.68), '370100': (117.02, 36.67),
    '370202': (120.38, 36.07), '370203': (120.37, 36.09), '370211': (120.20, 35.96),
    '370212': (120.47, 36.11), '370200': (120.38, 36.07),
}


def region_center(code):
    if code in CENTERS:
        return CENTERS[code]
    lng, lat = CENTERS.get(code[:2], (116.4, 39.9))
    h = stable_hash('center' + code)
    return lng + ((h & 0xFFFF) / 65535 - 0.5) * 3.0, lat + (((h >> 16) & 0xFFFF) / 65535 - 0.5) * 2.0


# --------------------------------------------------------------------------
# Car models: WMI, 品牌型号, GA 802 body type, energy, displacement (ml),
# price (yuan), model years, weight (share in government fleets), plants

MODELS = [
    ('LFP', ('红旗牌CA7180AT6', '红旗牌CA7180A6E'), 'K33', '汽油', 1798, 176000, 2017, 2024, 12, 'AB'),
    ('LFP', ('红旗牌CA7200AT5',), 'K33', '汽油', 1984, 255000, 2014, 2022, 4, 'A'),
    ('LFP', ('红旗牌CA6480AT6',), 'K31', '汽油', 1989, 199000, 2019, 2024, 4, 'AC'),
    ('LFP', ('红旗牌CA7000BEV', '红旗牌CA7002BEV'), 'K33', '纯电动', 0, 160000, 2021, 2024, 3, 'C'),
    ('LFV', ('大众汽车牌FV7187TATG', '一汽-大众牌FV7207TDQBG'), 'K33', '汽油', 1798, 189000, 2011, 2022, 7, 'CFS'),
    ('LFV', ('捷达牌FV7166FBMBG', '捷达牌FV7160FAMBG'), 'K33', '汽油', 1598, 86000, 2010, 2019, 5, 'CF'),
    ('LFV', ('大众汽车牌FV6462CBDBG',), 'K31', '汽油', 1984, 219000, 2018, 2024, 2, 'S'),
    ('LSV', ('大众汽车牌SVW7187LSD', '大众汽车牌SVW71812BJ'), 'K33', '汽油', 1798, 184000, 2011, 2022, 6, 'NP'),
    ('LSV', ('大众汽车牌SVW7156QSD', '大众汽车牌SVW7146BPD'), 'K33', '汽油', 1498, 106000, 2013, 2023, 5, 'NY'),
    ('LSV', ('大众汽车牌SVW6472SFD',), 'K32', '汽油', 1984, 232000, 2012, 2020, 2, 'N'),
    ('LSG', ('别克牌SGM6521UAAA', '别克牌SGM6529ATA'), 'K31', '汽油', 1998, 262000, 2012, 2024, 5, 'AD'),
    ('LSG', ('别克牌SGM7155DAA1',), 'K33', '汽油', 1490, 106000, 2014, 2021, 2, 'B'),
    ('LHG', ('雅阁牌HG7201AB', '雅阁牌HG7152BBC5'), 'K33', '汽油', 1993, 182000, 2012, 2022, 3, '1'),
    ('LVG', ('丰田牌GTM7250GB', '丰田牌GTM7201GE'), 'K33', '汽油', 2487, 199000, 2012, 2022, 3, 'G'),
    ('LVG', ('丰田牌GTM6481DAAF',), 'K32', '汽油', 1998, 279000, 2015, 2023, 1, 'G'),
    ('LTV', ('丰田牌TV7164FXRG', '丰田牌TV7120GL'), 'K33', '汽油', 1598, 116000, 2012, 2021, 3, 'AT'),
    ('LFM', ('丰田牌SCT6705TRB53LB',), 'K21', '柴油', 3980, 528000, 2010, 2022, 1, 'B'),
    ('LGB', ('日产牌DFL7201VBL1',), 'K33', '汽油', 1997, 176000, 2012, 2021, 2, 'F'),
    ('LGB', ('日产牌DFL7162ACC', '日产牌DFL7160VBNH'), 'K33', '汽油', 1598, 101000, 2012, 2022, 3, 'FG'),
    ('LVS', ('福特牌CAF7201A5',), 'K33', '汽油', 1999, 181000, 2013, 2021, 2, 'H'),
    ('LGX', ('比亚迪牌BYD7005BEVA', '比亚迪牌BYD7005BEV3'), 'K33', '纯电动', 0, 149000, 2019, 2024, 4, 'CW'),
    ('LGX', ('比亚迪牌BYD7008BEVA1',), 'K33', '纯电动', 0, 229000, 2020, 2024, 2, 'C'),
    ('LGX', ('比亚迪牌BYD6480STHEV',), 'K31', '插电式混合动力', 1999, 259000, 2018, 2024, 2, 'W'),
    ('LGX', ('比亚迪牌BYD6470ST6HEV',), 'K31', '插电式混合动力', 1498, 158000, 2021, 2024, 2, 'CX'),
    ('LB3', ('吉利牌MR7153A03', '吉利美日牌MR7152D05'), 'K33', '汽油', 1498, 76000, 2014, 2022, 3, 'NK'),
    ('LB3', ('吉利牌MR7002BEV10',), 'K33', '纯电动', 0, 135000, 2018, 2023, 1, 'N'),
    ('LGW', ('长城牌CC6460RM02', '长城牌CC6470RM2F'), 'K31', '汽油', 1497, 112000, 2014, 2023, 3, 'ZT'),
    ('LZW', ('五菱牌LZW6445KF', '五菱牌LZW6450PF'), 'K31', '汽油', 1485, 56000, 2012, 2022, 3, 'AC'),
    ('LS5', ('长安牌SC7164YDA6',), 'K33', '汽油', 1598, 79000, 2013, 2022, 2, 'BC'),
    ('LSY', ('金杯牌SY6543US3BH',), 'K31', '汽油', 2237, 112000, 2010, 2020, 2, 'A'),
    ('LEF', ('江铃全顺牌JX6581T-M5',), 'K31', '柴油', 2198, 198000, 2012, 2023, 2, 'A'),
    ('LZY', ('宇通牌ZK6117HNQ1',), 'K11', '柴油', 8900, 655000, 2010, 2020, 1, 'T'),
    ('LNB', ('北京牌BJ2022F7VAT',), 'K32', '汽油', 1998, 152000, 2016, 2023, 2, 'S'),
    ('LVV', ('奇瑞牌SQR7151J617',), 'K33', '汽油', 1497, 76000, 2014, 2022, 1, 'DE'),
]

# Model-year code (VIN position 10)
YEAR_CODE = {y: c for y, c in zip(range(2001, 2031), '123456789ABCDEFGHJKLMNPRSTVWXY')}


class VinPool:
    """Every (model, year, VDS variant, plant) once; object number g maps by a
    bijection of [0, size) to (entry, 6-digit serial), so VINs are unique for
    g below size, and the same g always gives the same car."""

    def __init__(self):
        entries = []
        seen = set()
        for m, (wmi, _, _, _, _, _, y0, y1, weight, plants) in enumerate(MODELS):
            for year in range(y0, y1 + 1):
                for v in range(weight):
                    for plant in plants:
                        h = stable_hash('%d/%d/%d' % (m, v, year))
                        vds = ''.join(VIN_CHARS[(h >> (6 * k)) % 33] for k in range(5))
                        head = wmi + vds          # positions 1-8
                        tail = YEAR_CODE[year] + plant   # positions 10-11
                        if (head, tail) in seen:
                            continue
                        seen.add((head, tail))
                        base = vin_sum(head + '0' + tail + '000000')
                        entries.append((head, tail, base, m, year))
        self.entries = entries
        self.count = len(entries)
        self.size = self.count * 1000000
        # weights of serial positions 12-14 and 15-17
        self.hi = [vin_sum('00000000000' + '%03d' % k + '000') for k in range(1000)]
        self.lo = [vin_sum('00000000000000' + '%03d' % k) for k in range(1000)]
        self.mult = 2654435761
        while _gcd(self.mult, self.size) != 1:
            self.mult += 2

    def car(self, g):
        """(vin, model index, model year) of object number g."""
        x = (g * self.mult + 12345) % self.size
        k, serial = x % self.count, x // self.count
        head, tail, base, m, year = self.entries[k]
        r = (base + self.hi[serial // 1000] + self.lo[serial % 1000]) % 11
        return '%s%s%s%06d' % (head, 'X' if r == 10 else r, tail, serial), m, year


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


# --------------------------------------------------------------------------
# How agencies write values: surfaces of each standard value.
# Repeated entries weigh a surface. Every surface of a good row must resolve
# through the codebook (or the sample mapping files' [synonyms.*]).

CATEGORY_SURFACES = {
    '执法执勤用车': ['执法执勤用车'] * 5 + ['执法执勤', '执法车', '执勤车', '执法执勤车辆', '执法用车'],
    '机要通信用车': ['机要通信用车'] * 4 + ['机要车', '机要通信', '机要通信车'],
    '应急保障用车': ['应急保障用车'] * 4 + ['应急车', '应急保障', '应急保障车'],
    '特种专业技术用车': ['特种专业技术用车'] * 4 + ['特种专业技术', '特种车', '专业技术用车'],
    '其他用车': ['其他用车'] * 4 + ['一般公务用车', '其他公务用车', '其它用车', '公务车'],
}
STATUS_SURFACES = {
    '在用': ['在用'] * 6 + ['正常', '使用中', '正常使用'],
    '停用': ['停用'] * 2 + ['闲置', '封存'],
    '待处置': ['待处置'] * 2 + ['拟处置', '待报废'],
    '已处置': ['已处置'] * 2 + ['已报废', '已拍卖'],
}
ENERGY_SURFACES = {
    '汽油': ['汽油'] * 6 + ['92#汽油', '95#汽油', '汽油车'],
    '柴油': ['柴油'] * 3 + ['0#柴油'],
    '纯电动': ['纯电动'] * 3 + ['纯电', '电动', 'BEV'],
    '插电式混合动力': ['插电式混合动力'] * 3 + ['插混', 'PHEV', '插电混动'],
}
BODY_SURFACES = {
    'K33': ['K33'] * 3 + ['小型轿车'] * 3 + ['轿车'] * 2,
    'K32': ['K32'] * 2 + ['小型越野客车', '越野车'],
    'K31': ['K31'] * 2 + ['小型普通客车', '小型客车'],
    'K21': ['K21', '中型普通客车', '中型客车'],
    'K11': ['K11', '大型普通客车', '大型客车'],
}
NEXT_STATUS = {'在用': '待处置', '停用': '待处置', '待处置': '已处置', '已处置': '已处置'}
PROPERTY_SURFACES = {
    '有证': ['有证'] * 4 + ['已办证', '有'],
    '无证': ['无证'] * 3 + ['未办证', '无'],
}

FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)
                           if chr(c) not in '"\''})


def fullwidth(text):
    return text.translate(FULLWIDTH)


def wan(amount, unit):
    """12.5万元: an exact decimal of amount / 10000."""
    whole, frac = divmod(amount, 10000)
    text = str(whole) if not frac else ('%d.%04d' % (whole, frac)).rstrip('0')
    return text + unit


def money_text(fen, pick):
    """One of the ways agencies write an amount (fen in, exact text out)."""
    yuan, cents = divmod(fen, 100)
    if pick < 30:
        return str(yuan) if not cents else '%d.%02d' % (yuan, cents)
    if pick < 50:
        return '{:,}.{:02d}'.format(yuan, cents)
    if pick < 65 and not cents and yuan % 100 == 0:
        return wan(yuan, '万元')
    if pick < 75:
        return '￥%d' % yuan if not cents else '￥%d.%02d' % (yuan, cents)
    if pick < 85:
        return ('%d元' % yuan) if not cents else '%d.%02d元' % (yuan, cents)
    if pick < 92:
        return '%d.%02d' % (yuan, cents)
    return '¥{:,}'.format(yuan) if not cents else '¥{:,}.{:02d}'.format(yuan, cents)


def area_text(centi, pick):
    """An area in 0.01 m2 as agencies write it."""
    whole, frac = divmod(centi, 100)
    plain = str(whole) if not frac else ('%d.%02d' % (whole, frac)).rstrip('0')
    if pick < 35:
        return plain
    if pick < 55:
        head = '{:,}'.format(whole)
        return head + plain[len(str(whole)):] + '平方米'
    if pick < 70:
        return plain + '㎡'
    if pick < 80:
        return plain + '平方米'
    if pick < 88:
        return '%d.%02d' % (whole, frac)
    if pick < 94:
        return plain + 'm2'
    return plain + '平米'


# --------------------------------------------------------------------------
# Dates: every day from 2000 to TODAY in each form agencies write

DATE_FORMS = ('iso', 'slash', 'compact', 'cn', 'excel', 'dot', 'time', 'iso')
DATE_FORM_WEIGHTS = ('iso',) * 30 + ('slash',) * 18 + ('compact',) * 10 + ('cn',) * 14 + \
    ('excel',) * 12 + ('dot',) * 8 + ('time',) * 5 + ('slash0',) * 3


class Dates:
    def __init__(self, first=datetime.date(2000, 1, 1), last=TODAY):
        self.first = first
        self.days = []
        d = first
        while d <= last:
            self.days.append(d)
            d += datetime.timedelta(days=1)
        self.forms = {}

    def index(self, d):
        return (d - self.first).days

    def text(self, d, form):
        if form == 'iso':
            return '%04d-%02d-%02d' % (d.year, d.month, d.day)
        if form == 'slash':
            return '%d/%d/%d' % (d.year, d.month, d.day)
        if form == 'slash0':
            return '%04d/%02d/%02d' % (d.year, d.month, d.day)
        if form == 'compact':
            return '%04d%02d%02d' % (d.year, d.month, d.day)
        if form == 'cn':
            return '%d年%d月%d日' % (d.year, d.month, d.day)
        if form == 'excel':
            return str((d - EXCEL_EPOCH).days)
        if form == 'dot':
            return '%04d.%02d.%02d' % (d.year, d.month, d.day)
        if form == 'time':
            return '%04d-%02d-%02d 00:00:00' % (d.year, d.month, d.day)
        raise ValueError(form)

    def table(self, form):
        """Texts of every day in one form, computed once."""
        t = self.forms.get(form)
        if t is None:
            t = self.forms[form] = [self.text(d, form) for d in self.days]
        return t


# --------------------------------------------------------------------------
# Columns of each kind: standard field -> CSV header / JSON key.
# None as the field: a column the standard does not take (kept to show that
# a mapping ignores what it does not name).

COLUMNS = {
    'vehicle': [
        (None, '序号', 'id'),
        (None, '单位名称', 'dwmc'),
        ('unit_code', '使用单位统一社会信用代码', 'dwtyshxydm'),
        ('region_code', '所属区划', 'xzqh'),
        ('plate', '车牌号', 'hphm'),
        ('vin', '车架号', 'clsbdh'),
        ('category', '车辆类型', 'clyt'),
        ('body_type', '车身类型', 'cllx'),
        ('energy_type', '燃料类型', 'rlzl'),
        ('brand_model', '品牌型号', 'ppxh'),
        ('displacement_ml', '排量', 'pl'),
        ('purchase_price', '购置价格', 'gzjg'),
        ('purchase_date', '购置日期', 'gzrq'),
        ('status', '使用状态', 'zt'),
        ('odometer_km', '行驶里程', 'xslc'),
        (None, '备注', 'bz'),
    ],
    'office_building': [
        (None, '序号', 'id'),
        (None, '单位名称', 'unitName'),
        ('unit_code', '单位统一社会信用代码', 'unitCreditCode'),
        ('region_code', '行政区划代码', 'areaCode'),
        ('name', '房屋名称', 'buildingName'),
        ('address', '坐落地址', 'address'),
        ('certificate_no', '不动产权证号', 'certNo'),
        ('land_area', '土地面积', 'landArea'),
        ('building_area', '建筑面积', 'floorArea'),
        ('office_room_area', '办公室用房面积', 'officeArea'),
        ('service_room_area', '服务用房面积', 'serviceArea'),
        ('equipment_room_area', '设备用房面积', 'equipmentArea'),
        ('auxiliary_room_area', '附属用房面积', 'auxiliaryArea'),
        ('property_right', '产权状况', 'propertyRight'),
        ('year_built', '建成年份', 'builtYear'),
        ('floors', '地上层数', 'floors'),
        ('longitude', '经度', 'lng'),
        ('latitude', '纬度', 'lat'),
        (None, '备注', 'remark'),
    ],
    'reception_filing': [
        (None, '序号', 'id'),
        (None, '接待单位', 'hostUnit'),
        ('unit_code', '接待单位统一社会信用代码', 'hostCreditCode'),
        ('region_code', '行政区划', 'regionCode'),
        ('filing_no', '备案编号', 'filingNo'),
        ('guest_organization', '来访单位', 'guestOrg'),
        ('start_date', '接待开始日期', 'startDate'),
        ('end_date', '接待结束日期', 'endDate'),
        ('guests', '来宾人数', 'guestCount'),
        ('accompanying_staff', '陪同人数', 'staffCount'),
        ('meals', '用餐次数', 'mealCount'),
        ('accommodation_nights', '住宿间夜数', 'roomNights'),
        ('meal_cost', '餐费', 'mealFee'),
        ('accommodation_cost', '住宿费', 'hotelFee'),
        ('transport_cost', '交通费', 'transportFee'),
        ('other_cost', '其他费用', 'otherFee'),
        ('total_cost', '费用合计', 'totalFee'),
        ('letter_no', '公函编号', 'letterNo'),
        ('filed_at', '备案日期', 'filedDate'),
        (None, '备注', 'remark'),
    ],
}

KINDS = tuple(COLUMNS)


def column_index(kind):
    return {f: i for i, (f, _, _) in enumerate(COLUMNS[kind]) if f}


# --------------------------------------------------------------------------
# The generator

class Context:
    def __init__(self, args, regions):
        self.args = args
        self.regions = regions
        self.region = args.region
        self.kind = args.kind
        self.rnd = random.Random(args.seed)
        self.units = make_units(regions, self.region)
        self.unit_pick = [u for u in self.units for _ in range(u.weight)]
        self.dates = Dates()
        self.full = regions.full_name(self.region)
        self.short = regions.short_name(self.region)
        self.prov_abbr = PROVINCE_ABBR.get(self.region[:2], '鲁')
        self.plate_letters = self._plate_letters()
        self.unknown_regions = regions.unknown_codes(self.region)
        self.old_codes = regions.old_codes.get(self.region, [])
        self.streets = STREETS.get(self.region) or [
            COMMON_STREETS[(stable_hash(self.region) + k * 7) % len(COMMON_STREETS)]
            for k in range(10)]
        self.streets = list(dict.fromkeys(self.streets))
        self.index = column_index(self.kind)
        self.ncols = len(COLUMNS[self.kind])

    def _plate_letters(self):
        code = self.region
        if code[:2] == '37':
            city = code[:4] if self.regions.level(code) > 1 else '3701'
            letters = SHANDONG_PLATE.get(city, 'A')
            if code in ('370116', '370117'):
                letters = 'S'          # 莱芜's plates stayed 鲁S after the 2019 merger
            return letters
        if code[:2] in MUNICIPALITIES or code[:2] not in PROVINCE_ABBR:
            return 'A'
        city = self.regions.city(code)
        cities = sorted(self.regions.cities(code))
        if city in cities:
            return PLATE_LETTERS[cities.index(city) % len(PLATE_LETTERS)]
        return 'A'


class Row:
    """One generated row: column values, and what `yiwang check` should say."""
    __slots__ = ('values', 'expected', 'field', 'note', 'raw', 'newlines', 'obj')

    def __init__(self, values, expected='ok', field='', note='', obj=None):
        self.values = values
        self.obj = obj         # the canonical object the row was written from
        self.expected = expected
        self.field = field
        self.note = note
        self.raw = None        # a pre-rendered line (malformed rows)
        self.newlines = 0


# ---- vehicles ------------------------------------------------------------

class VehicleMaker:
    def __init__(self, ctx):
        self.ctx = ctx
        self.pool = VinPool()
        self.cat_by_profile = {}
        for name, weights in VEHICLE_PROFILES.items():
            self.cat_by_profile[name] = [c for c, w in weights.items() for _ in range(w)]
        d = ctx.dates
        self.date_tables = [d.table(f) for f in DATE_FORM_WEIGHTS]
        self.day0 = d.first
        self.today_index = d.index(TODAY)

    def car(self, g):
        """The canonical car of object number g (no mess)."""
        ctx = self.ctx
        vin, m, year = self.pool.car(g)
        wmi, brands, body, energy, ml, price, y0, y1, weight, plants = MODELS[m]
        h = mix(g * 8 + 1)
        brand = brands[h % len(brands)]
        unit = ctx.unit_pick[(h >> 8) % len(ctx.unit_pick)]
        cats = self.cat_by_profile[unit.profile]
        category = cats[(h >> 20) % len(cats)]
        start = datetime.date(year - 1, 10, 1) if year > 2000 else datetime.date(year, 1, 1)
        day = ctx.dates.index(start) + (h >> 28) % 400
        day = min(day, self.today_index - 30)
        pdate = ctx.dates.days[day]
        price_yuan = price * (88 + (h >> 40) % 25) // 100 // 100 * 100
        age_days = self.today_index - day
        km = age_days * (11 + (h >> 46) % 45)      # 4,000-20,000 km a year
        km = km - km % 10 + (h >> 52) % 10
        s = (h >> 56) % 100
        if age_days > 8 * 365:
            status = '在用' if s < 50 else '停用' if s < 60 else '待处置' if s < 85 else '已处置'
        else:
            status = '在用' if s < 90 else '停用' if s < 94 else '待处置' if s < 98 else '已处置'
        revision = ctx.args.revision
        if revision:
            # later exports: cars in use run on, some are retired and disposed of
            km += revision * (1500 + (h >> 30) % 4000) if status == '在用' else 0
            for r in range(1, revision + 1):
                if mix(g * 64 + r) % 100 < 5:
                    status = NEXT_STATUS[status]
        plate = self.plate(g, energy, unit.police and category == '执法执勤用车' and (h >> 61) & 1)
        return (plate, vin, category, body, energy, brand, ml, price_yuan * 100, day, status,
                km, unit, year, mix(g * 8 + 6))

    def absent(self, g):
        """True if object g is no longer exported (disposed of, --revision >= 1)."""
        return self.ctx.args.revision > 0 and self.car(g)[9] == '已处置'

    def plate(self, g, energy, police):
        ctx = self.ctx
        letters = ctx.plate_letters
        x = mix(g * 8 + 2)
        letter = letters[x % len(letters)]
        u = (g * 7919 + 104729) % 1300000
        if police:
            u %= 106000                  # 4 characters before 警, at most one a letter
            if u < 10000:
                return '%s%s%04d警' % (ctx.prov_abbr, letter, u)
            extra, rem = divmod(u - 10000, 4000)
            pos, d3 = divmod(rem, 1000)
            digits = '%03d' % d3
            return '%s%s%s%s%s警' % (ctx.prov_abbr, letter, digits[:pos], PLATE_LETTERS[extra],
                                    digits[pos:])
        if energy in ('纯电动', '插电式混合动力'):
            u = (g * 7919 + 104729) % 680000
            first = 'D' if energy == '纯电动' else 'F'
            second = PLATE_ALNUM[(u // 10000) % 34]
            return '%s%s%s%s%04d' % (ctx.prov_abbr, letter, first, second, u % 10000)
        if u < 100000:
            body = '%05d' % u
        else:
            v = u - 100000
            extra, rem = divmod(v, 50000)
            pos, d4 = divmod(rem, 10000)
            digits = '%04d' % d4
            body = digits[:pos] + PLATE_LETTERS[extra % 24] + digits[pos:]
        return ctx.prov_abbr + letter + body

    def good(self, g, rnd):
        """A good row of object g, with the harmless mess agencies write.
        Choices that change a normalized value (an optional field left empty,
        1.8T for 1798 ml) come from hc, the object's own hash, so an object
        normalizes to the same record whatever the seed; only the form of
        the values comes from rnd."""
        ctx = self.ctx
        (plate, vin, category, body, energy, brand, ml, price, day, status, km, unit,
         year, hc) = self.car(g)
        bits = rnd.getrandbits(64)
        b2 = rnd.getrandbits(64)
        # plate
        p = bits & 1023
        if hc & 127 < 2:
            plate = ''               # not yet registered: plate is optional
        elif p < 40:
            plate = fullwidth(plate)
        elif p < 60:
            plate = plate[:2] + ' ' + plate[2:]
        elif p < 75:
            plate = plate[:1] + plate[1:].lower()
        elif p < 90:
            plate = plate + ' '
        elif p < 100:
            plate = '\u3000' + plate
        elif p < 131:
            # 3%: a separator after the authority letter, as on the plate
            seps = PLATE_SEPARATORS_GBK if ctx.args.encoding == 'gbk' else PLATE_SEPARATORS
            plate = plate[:2] + seps[p % len(seps)] + plate[2:]
        # VIN
        p = (bits >> 10) & 1023
        if p < 60:
            vin = vin.lower()
        elif p < 80:
            vin = ' ' + vin + ' '
        elif p < 90:
            vin = fullwidth(vin)
        elif p < 100:
            vin = vin + '\u3000'
        # category, body, energy, status surfaces
        s = CATEGORY_SURFACES[category]
        cat = s[((bits >> 20) & 1023) % len(s)]
        s = BODY_SURFACES[body]
        bod = s[((bits >> 30) & 1023) % len(s)]
        s = ENERGY_SURFACES[energy]
        ene = s[((bits >> 40) & 1023) % len(s)]
        s = STATUS_SURFACES[status]
        sta = s[((bits >> 50) & 1023) % len(s)]
        if (bits >> 60) == 0:
            sta = ' ' + sta + ' '
        # displacement
        p = (hc >> 7) & 127
        if ml == 0:
            disp = '' if p < 80 else '0'
        else:
            litres = '%.1f' % (ml / 1000.0)
            disp = (str(ml) if p < 50 else litres + 'T' if p < 70 else litres + 'L' if p < 85
                    else '%dml' % ml if p < 95 else litres)
        # price, date, odometer
        pr = money_text(price, (b2 >> 7) % 100)
        if (b2 >> 14) & 63 == 0:
            pr = fullwidth(pr)
        dt = self.date_tables[(b2 >> 20) % len(self.date_tables)][day]
        p = (b2 >> 28) % 92
        odo = (str(km) if p < 55 else '{:,}公里'.format(km) if p < 70 else wan(km, '万公里')
               if p < 80 else '%dkm' % km)
        if (hc >> 14) % 100 < 8:
            odo = ''                 # not recorded
        # unit code and region
        uscc = unit.uscc
        p = (b2 >> 35) & 255
        if p < 8:
            uscc = uscc.lower()
        elif p < 14:
            uscc = ' ' + uscc
        elif p < 18:
            uscc = fullwidth(uscc)
        region = region_text(ctx, (b2 >> 43) & 255)
        brand_text = brand if (hc >> 21) & 31 else brand.replace('牌', '牌 ', 1)
        remark = ''
        p = (b2 >> 57) & 127
        if p < 4:
            remark = '原值含购置税,已审批'
        elif p < 6:
            remark = '调拨自上级单位\n原号牌已注销'
        elif p < 10:
            remark = '2023年年检合格'
        row = Row(['', unit.name, uscc, region, plate, vin, cat, bod, ene, brand_text, disp,
                   pr, dt, sta, odo, remark])
        if '\n' in remark:
            row.newlines = remark.count('\n')
        return row


def region_text(ctx, p):
    """The row's region as written (p: 0..255)."""
    if p < 30:
        return ''                # the mapping's default region applies
    if p < 38:
        return fullwidth(ctx.region)
    if p < 44:
        return ctx.region + ' '
    if p < 50 and ctx.old_codes:
        return ctx.old_codes[p % len(ctx.old_codes)]   # an abolished code, via succession
    return ctx.region


# ---- office buildings ----------------------------------------------------

class OfficeMaker:
    def __init__(self, ctx):
        self.ctx = ctx
        self.center = region_center(ctx.region)
        city = ctx.regions.city(ctx.region)
        level = ctx.regions.level(ctx.region)
        # property registration is by city for districts, else by county
        if level == 3 and ctx.short.endswith('区') and city:
            self.registrar = ctx.regions.short_name(city)
        else:
            self.registrar = ctx.short
        self.registrar_short = self.registrar[:2]

    def building(self, g):
        ctx = self.ctx
        units = ctx.units
        unit = units[g % len(units)]
        j = g // len(units)
        h = mix(g * 8 + 3 + int(ctx.region) * 64)
        if j == 0:
            name = unit.building + ('办公楼' if h & 3 else '综合楼')
        elif j == 1:
            name = unit.building + ('业务用房' if h & 1 else '综合楼')
        else:
            name = '%s%d号楼' % (unit.building, j - 1)
        street = ctx.streets[(h >> 4) % len(ctx.streets)]
        number = 1 + (h >> 12) % 260
        address = '%s%s%d号' % (ctx.full, street, number)
        annex = ''
        if j > 0:
            annex = '%d号楼' % (1 + (h >> 21) % 9)
        area = 60000 + (h >> 25) % 1500000 + j * 37         # 0.01 m2: 600-15,600 m2
        office = area * (38 + (h >> 46) % 18) // 100
        service = area * (8 + (h >> 51) % 8) // 100
        equipment = area * (3 + (h >> 55) % 5) // 100
        auxiliary = area * (8 + (h >> 58) % 10) // 100      # at most 93 % together
        land = area * (40 + (h >> 33) % 80) // 100
        certified = (h >> 40) % 100 < 85
        year_built = 1978 + (h >> 7) % 45
        floors = 2 + (h >> 17) % 18
        cert = ''
        if certified:
            cyear = max(2016, min(2024, year_built + 1 + (h >> 29) % 30))
            seq = (g * 7919 + stable_hash(ctx.region) % 9000000) % 10000000
            if (h >> 38) % 100 < 85:
                cert = '%s(%d)%s不动产权第%07d号' % (ctx.prov_abbr, cyear, self.registrar, seq)
            else:
                cert = '%s房权证%s字第%06d号' % (self.registrar_short, ctx.short[:2], seq % 1000000)
        lng0, lat0 = self.center
        lng = lng0 + (((h >> 3) & 0xFFF) / 4095 - 0.5) * 0.08
        lat = lat0 + (((h >> 15) & 0xFFF) / 4095 - 0.5) * 0.06
        return (unit, name, address, annex, cert, land, area, office, service, equipment,
                auxiliary, certified, year_built, floors, lng, lat,
                mix(g * 8 + 6 + int(ctx.region) * 64))

    def good(self, g, rnd):
        """A good row of building g; as for vehicles, choices that change a
        normalized value come from hc (the object's hash), forms from rnd."""
        (unit, name, address, annex, cert, land, area, office, service, equipment, auxiliary,
         certified, year_built, floors, lng, lat, hc) = self.building(g)
        bits = rnd.getrandbits(64)
        b2 = rnd.getrandbits(64)
        newlines = 0
        p = bits & 127
        if annex:
            q = hc % 10
            if q < 5:
                address = address + annex
            elif q < 8:
                address = address + ',' + annex          # a comma: the field is quoted
            elif p < 40:
                address = address + '\n' + annex         # a line break inside the cell
                newlines = 1
            else:
                address = address + ' ' + annex
        elif p < 10:
            address = address + '\u3000'
        if (bits >> 7) & 63 == 0:
            name = '  ' + name
        if cert:
            p = (bits >> 13) & 63
            if p < 12:
                cert = cert.replace('(', '（').replace(')', '）')
            elif p < 16:
                cert = fullwidth(cert)
        land_text = ''
        p = (hc >> 4) % 100
        if p < 20:
            # 亩 (2000/3 m2): written to 2 decimals, so the value is approximate
            land_text = '%.2f亩' % (land / 100 / (2000 / 3))
        elif p < 85:
            land_text = area_text(land, (bits >> 26) % 100)
        area_pick = (bits >> 33) % 100
        texts = [area_text(a, (area_pick + 7 * k) % 100) if a or k == 0 else ''
                 for k, a in enumerate((area, office, service, equipment, auxiliary))]
        if (hc >> 11) % 100 < 8:
            texts[3] = ''            # rooms not broken down
            texts[4] = ''
        s = PROPERTY_SURFACES['有证' if certified else '无证']
        prop = s[(bits >> 47) % len(s)]
        p = (bits >> 52) % 94
        year = (str(year_built) if p < 60 else '%d年' % year_built if p < 80 else
                '%d.0' % year_built if p < 88 else '%d-01-01' % year_built)
        if (hc >> 18) % 100 < 6:
            year = ''
        p = (bits >> 59) % 28
        fl = str(floors) if p < 22 else '%d层' % floors
        if (hc >> 25) % 100 < 10:
            fl = ''
        p = b2 % 100
        if (hc >> 32) % 100 < 12:
            lng_t, lat_t = '', ''      # not surveyed
        elif p < 70:
            lng_t, lat_t = '%.6f' % lng, '%.6f' % lat
        elif p < 85:
            lng_t, lat_t = '%.6f°' % lng, '%.6f°' % lat
        else:
            lng_t, lat_t = 'E%.6f' % lng, 'N%.6f' % lat
        uscc = unit.uscc
        p = (b2 >> 7) & 255
        if p < 8:
            uscc = uscc.lower()
        elif p < 14:
            uscc = uscc + ' '
        region = region_text(self.ctx, (b2 >> 15) & 255)
        remark = ''
        p = (b2 >> 23) & 127
        if p < 5:
            remark = '含地下车库,人防面积未计入'
        elif p < 8:
            remark = '部分出租'
        row = Row(['', unit.name, uscc, region, name, address, cert, land_text] + texts +
                  [prop, year, fl, lng_t, lat_t, remark])
        row.newlines = newlines
        return row


# ---- reception filings ---------------------------------------------------

GUEST_DEPTS = [
    ('机关事务管理局', '机管'), ('人民政府办公室', '政办'), ('财政局', '财'), ('审计局', '审'),
    ('发展和改革委员会', '发改'), ('教育局', '教'), ('卫生健康委员会', '卫健'),
    ('市场监督管理局', '市监'), ('自然资源和规划局', '自然资源'), ('住房和城乡建设局', '住建'),
    ('交通运输局', '交'), ('应急管理局', '应急'), ('商务局', '商'), ('统计局', '统'),
    ('文化和旅游局', '文旅'), ('农业农村局', '农'),
]
PROVINCE_GUESTS = [
    ('山东省机关事务管理局', '鲁机管'), ('山东省财政厅', '鲁财'), ('山东省审计厅', '鲁审'),
    ('国家税务总局山东省税务局', '鲁税'), ('山东省发展和改革委员会', '鲁发改'),
    ('中共山东省委组织部', '鲁组'), ('山东省人民政府办公厅', '鲁政办'),
    ('江苏省机关事务管理局', '苏机管'), ('河南省机关事务管理局', '豫机管'),
    ('国家机关事务管理局', '国管'), ('山东省统计局', '鲁统'), ('山东省应急管理厅', '鲁应急'),
]


class ReceptionMaker:
    def __init__(self, ctx):
        self.ctx = ctx
        d = ctx.dates
        self.date_tables = [d.table(f) for f in DATE_FORM_WEIGHTS]
        self.first_day = d.index(datetime.date(2020, 1, 1))
        self.last_day = d.index(TODAY) - 20
        guests = []
        province = ctx.region[:2] + '0000'
        cities = sorted(ctx.regions.cities(province))
        for city in cities:
            cname = ctx.regions.full_name(city)
            for dept, abbr in GUEST_DEPTS:
                guests.append((cname + dept, cname[:1] + abbr))
        for other in sorted(c for c in ctx.regions.by_code if ctx.regions.level(c) == 2
                            and c[:2] != ctx.region[:2])[:: 7]:
            cname = ctx.regions.full_name(other)
            guests.append((cname + '机关事务管理局', cname[:1] + '机管'))
        guests += PROVINCE_GUESTS * 3
        self.guests = guests
        self.style = stable_hash('filing' + ctx.region) % 3

    def filing(self, g):
        ctx = self.ctx
        h = mix(g * 8 + 5 + int(ctx.region) * 64)
        unit = ctx.unit_pick[h % len(ctx.unit_pick)]
        guest, abbr = self.guests[(h >> 8) % len(self.guests)]
        start = self.first_day + (h >> 20) % (self.last_day - self.first_day)
        days = 1 + ((h >> 32) % 10 // 6) + ((h >> 32) % 10 // 9)    # mostly 1, some 2-3
        end = start + days - 1
        filed = end + (h >> 36) % 8
        year = ctx.dates.days[start].year
        if self.style == 0:
            filing_no = 'JD%s%d%06d' % (ctx.region, year, g + 1)
        elif self.style == 1:
            filing_no = '%s接待备〔%d〕%d号' % (ctx.short[:2], year, g + 1)
        else:
            filing_no = '%s-%d-%05d' % (ctx.region, year, g + 1)
        n = 2 + (h >> 40) % 14
        staff = min(3, n) if n <= 10 else min(n // 3, 1 + (h >> 44) % (n // 3))
        meals = max(1, min(days * 2, 1 + (h >> 47) % 3))
        per_head = 8000 + ((h >> 50) % 8) * 1000           # fen per person per meal
        meal_cost = (n + staff) * meals * per_head
        nights = days - 1
        rooms = (n + 1) // 2
        room_nights = rooms * nights
        hotel = room_nights * (28000 + ((h >> 54) % 5) * 3000)
        transport = 0 if (h >> 57) % 3 else (200 + (h >> 59) % 30 * 50) * 100
        other = 0 if (h >> 60) % 4 else ((h >> 33) % 40) * 1000 + 50
        total = meal_cost + hotel + transport + other
        letter = '%s函〔%d〕%d号' % (abbr, year, 1 + (h >> 24) % 120)
        return (unit, filing_no, guest, start, end, n, staff, meals, room_nights, meal_cost,
                hotel, transport, other, total, letter, filed,
                mix(g * 8 + 6 + int(ctx.region) * 64))

    def good(self, g, rnd):
        """A good row of filing g; as for vehicles, choices that change a
        normalized value come from hc (the object's hash), forms from rnd."""
        (unit, filing_no, guest, start, end, n, staff, meals, room_nights, meal_cost, hotel,
         transport, other, total, letter, filed, hc) = self.filing(g)
        bits = rnd.getrandbits(64)
        b2 = rnd.getrandbits(64)
        tables = self.date_tables
        st = tables[bits % len(tables)][start]
        en = '' if end == start and hc & 3 == 0 else tables[(bits >> 8) % len(tables)][end]
        fi = tables[(bits >> 14) % len(tables)][filed] if (hc >> 2) & 15 else ''
        p = (bits >> 24) % 100
        guests = str(n) if p < 70 else '%d人' % n
        staff_t = str(staff) if p < 80 else '%d人' % staff
        meals_t = str(meals) if p < 75 else '%d餐' % meals if p < 90 else '%d次' % meals
        nights_t = str(room_nights) if room_nights or (hc >> 6) & 1 else ''
        pick = (bits >> 32) % 100
        costs = [money_text(c, (pick + 13 * k) % 100) if c else ('0' if (hc >> 7) & 1 else '')
                 for k, c in enumerate((meal_cost, hotel, transport, other))]
        total_t = money_text(total, (pick + 29) % 100)
        p = (hc >> 8) % 100
        if p < 4:
            costs = ['', '', '', '']   # only the total is known
        elif p < 8:
            total_t = ''               # no total written
        letter_t = letter if (hc >> 15) % 10 else ''
        fno = filing_no if (bits >> 52) % 16 else ' ' + filing_no
        uscc = unit.uscc
        p = b2 & 255
        if p < 8:
            uscc = uscc.lower()
        elif p < 12:
            uscc = fullwidth(uscc)
        region = region_text(self.ctx, (b2 >> 8) & 255)
        guest_t = guest if (hc >> 20) & 31 else guest + '调研组'
        remark = ''
        p = (b2 >> 21) & 127
        if p < 5:
            remark = '含工作餐,无酒水'
        elif p < 7:
            remark = '考察学习\n按标准安排'
        row = Row(['', unit.name, uscc, region, fno, guest_t, st, en, guests, staff_t, meals_t,
                   nights_t] + costs + [total_t, letter_t, fi, remark], obj=(start, end))
        row.newlines = remark.count('\n')
        return row


# --------------------------------------------------------------------------
# Bad rows: each breaks one thing and says which reason `yiwang check` gives.

def _vin_of(row, ix):
    return unicodedata.normalize('NFKC', row.values[ix['vin']]).strip().upper()


def _uscc_of(row, ix):
    return unicodedata.normalize('NFKC', row.values[ix['unit_code']]).replace(' ', '').upper()


def bad_vin_check(row, ix, rnd, ctx):
    vin = _vin_of(row, ix)
    wrong = [c for c in '0123456789X' if c != vin[8]]
    row.values[ix['vin']] = vin[:8] + wrong[int(rnd.random() * len(wrong))] + vin[9:]
    return 'VIN_CHECK', 'vin', 'check digit changed'


def bad_vin_charset(row, ix, rnd, ctx):
    vin = _vin_of(row, ix)
    pos = 11 + int(rnd.random() * 6)
    letter = 'OIQ'[int(rnd.random() * 3)] if vin[pos] != '0' else 'O'
    row.values[ix['vin']] = vin[:pos] + letter + vin[pos + 1:]
    return 'VIN_CHARSET', 'vin', '%s at position %d' % (letter, pos + 1)


def bad_vin_length(row, ix, rnd, ctx):
    vin = _vin_of(row, ix)
    row.values[ix['vin']] = vin[:-1] if rnd.random() < 0.7 else vin + vin[-1]
    return 'VIN_LENGTH', 'vin', 'one character %s' % ('short' if len(row.values[ix['vin']]) < 17 else 'too many')


def bad_uscc_check(row, ix, rnd, ctx):
    u = _uscc_of(row, ix)
    wrong = [c for c in USCC_CHARS if c != u[17]]
    row.values[ix['unit_code']] = u[:17] + wrong[int(rnd.random() * len(wrong))]
    return 'USCC_CHECK', 'unit_code', 'mod-31 check character changed'


def bad_uscc_org(row, ix, rnd, ctx):
    u = _uscc_of(row, ix)
    wrong = [c for c in '0123456789X' if c != u[16]]
    body = u[:16] + wrong[int(rnd.random() * len(wrong))]
    row.values[ix['unit_code']] = body + uscc_check_char(body)
    return 'USCC_ORG_CHECK', 'unit_code', 'organisation code check changed, mod-31 recomputed'


def bad_uscc_charset(row, ix, rnd, ctx):
    u = _uscc_of(row, ix)
    zeros = [k for k in range(8, 16) if u[k] == '0']
    if zeros:
        k = zeros[int(rnd.random() * len(zeros))]
        row.values[ix['unit_code']] = u[:k] + 'O' + u[k + 1:]
        return 'USCC_CHARSET', 'unit_code', 'digit 0 typed as letter O'
    k = 8 + int(rnd.random() * 8)
    row.values[ix['unit_code']] = u[:k] + 'I' + u[k + 1:]
    return 'USCC_CHARSET', 'unit_code', 'letter I'


def bad_uscc_length(row, ix, rnd, ctx):
    u = _uscc_of(row, ix)
    if u.isdigit() and rnd.random() < 0.6:
        row.values[ix['unit_code']] = '%.5E' % int(u)     # as a spreadsheet shows it
        return 'USCC_LENGTH', 'unit_code', 'spreadsheet scientific notation'
    row.values[ix['unit_code']] = u[:17]
    return 'USCC_LENGTH', 'unit_code', 'last character lost'


def bad_plate_province(row, ix, rnd, ctx):
    plate = norm_plate(row.values[ix['plate']])
    if not plate:
        plate = ctx.prov_abbr + ctx.plate_letters[0] + '%05d' % int(rnd.random() * 100000)
    row.values[ix['plate']] = '齐岱泉东华'[int(rnd.random() * 5)] + plate[1:]
    return 'PLATE_PROVINCE', 'plate', 'province character not a province'


def bad_plate_format(row, ix, rnd, ctx):
    plate = norm_plate(row.values[ix['plate']])
    if len(plate) < 7:
        plate = ctx.prov_abbr + ctx.plate_letters[0] + '%05d' % int(rnd.random() * 100000)
    r = rnd.random()
    if r < 0.4:
        row.values[ix['plate']] = plate[:-2]                      # digits lost
    elif r < 0.7:
        row.values[ix['plate']] = plate[0] + '%05d' % int(rnd.random() * 100000)  # no letter
    else:
        row.values[ix['plate']] = plate[:2] + '%07d' % int(rnd.random() * 10000000)
    return 'PLATE_FORMAT', 'plate', 'not a GA 36 plate'


def bad_region(row, ix, rnd, ctx):
    codes = ctx.unknown_regions
    row.values[ix['region_code']] = codes[int(rnd.random() * len(codes))]
    return 'REGION_UNKNOWN', 'region_code', 'no such GB/T 2260 code'


def _date_field(kind):
    return {'vehicle': 'purchase_date', 'reception_filing': 'start_date'}[kind]


def bad_date_range(row, ix, rnd, ctx):
    field = _date_field(ctx.kind)
    year = 2015 + int(rnd.random() * 9)
    forms = ('%d-02-30' % year, '%d/2/30' % year, '%d年2月30日' % year, '%d-13-01' % year,
             '%d0431' % year, '%d.06.31' % year, '1899-12-31', '%d-02-29' % (2021 + int(rnd.random() * 3)))
    row.values[ix[field]] = forms[int(rnd.random() * len(forms))]
    return 'DATE_RANGE', field, 'no such day'


def bad_date_format(row, ix, rnd, ctx):
    field = _date_field(ctx.kind)
    year = 2015 + int(rnd.random() * 9)
    forms = ('%d年' % year, '%d-07' % year, '去年', '%02d/7/3' % (year % 100), '不详', '%d年7月' % year)
    row.values[ix[field]] = forms[int(rnd.random() * len(forms))]
    return 'DATE_FORMAT', field, 'not a date'


def _money_field(kind, rnd):
    if kind == 'vehicle':
        return 'purchase_price'
    return ('meal_cost', 'accommodation_cost', 'transport_cost', 'other_cost')[int(rnd.random() * 4)]


def bad_number_format(row, ix, rnd, ctx):
    if ctx.kind == 'office_building':
        field = 'building_area' if rnd.random() < 0.6 else 'floors'
        texts = ('待测绘', '见附件', '约2000平方米') if field == 'building_area' else ('六层', '地上6层')
    elif ctx.kind == 'reception_filing':
        field = 'guests'
        texts = ('若干', '十余人', '约10人')
    else:
        field = 'purchase_price'
        texts = ('待定', '不详', '约12万', '12.5.3万元')
    row.values[ix[field]] = texts[int(rnd.random() * len(texts))]
    return 'NUMBER_FORMAT', field, 'not a number'


def bad_number_range(row, ix, rnd, ctx):
    if ctx.kind == 'office_building':
        field = 'building_area'
        row.values[ix[field]] = '-%d.5' % (1000 + int(rnd.random() * 5000))
    else:
        field = _money_field(ctx.kind, rnd)
        row.values[ix[field]] = '-%d' % (100 + int(rnd.random() * 100000))
    return 'NUMBER_RANGE', field, 'negative'


def bad_unit(row, ix, rnd, ctx):
    if ctx.kind == 'office_building':
        field = 'building_area'
        text = '%d平方英尺' % (10000 + int(rnd.random() * 90000))
    elif ctx.kind == 'reception_filing':
        field = _money_field(ctx.kind, rnd)
        text = '%d美元' % (100 + int(rnd.random() * 900))
    else:
        r = rnd.random()
        if r < 0.5:
            field, text = 'purchase_price', '%.1f万美元' % (2 + rnd.random() * 30)
        else:
            field, text = 'odometer_km', '%d英里' % (1000 + int(rnd.random() * 90000))
    row.values[ix[field]] = text
    return 'UNIT_UNKNOWN', field, 'unit not known'


def bad_enum(row, ix, rnd, ctx):
    junk = ('见附表', '#N/A', '待核实', '？', '见备注')
    if ctx.kind == 'vehicle':
        field = 'category' if rnd.random() < 0.6 else 'status'
    else:
        field = 'property_right'
    row.values[ix[field]] = junk[int(rnd.random() * len(junk))]
    return 'ENUM_UNKNOWN', field, 'not in the code table'


REQUIRED = {
    'vehicle': ('vin', 'category', 'status', 'unit_code'),
    'office_building': ('name', 'address', 'building_area', 'unit_code'),
    'reception_filing': ('filing_no', 'guest_organization', 'start_date', 'unit_code'),
}


def bad_missing(row, ix, rnd, ctx):
    fields = REQUIRED[ctx.kind]
    field = fields[int(rnd.random() * len(fields))]
    row.values[ix[field]] = '' if rnd.random() < 0.8 else '\u3000'
    return 'MISSING', field, 'required field empty'


def bad_empty_row(row, ix, rnd, ctx):
    row.values = [''] * ctx.ncols
    row.newlines = 0
    return 'MISSING', '', 'an empty row (spreadsheet leftovers)'


TEXT_FIELD = {'vehicle': 'brand_model', 'office_building': 'name',
              'reception_filing': 'guest_organization'}


def bad_too_long(row, ix, rnd, ctx):
    field = TEXT_FIELD[ctx.kind] if ctx.kind != 'office_building' else 'address'
    filler = '（该栏由原系统导出时合并了多个单元格的内容，含历次变更说明、审批文件编号及备注信息）'
    row.values[ix[field]] = row.values[ix[field]] + filler * 4
    return 'TOO_LONG', field, 'over 255 bytes'


def bad_encoding(row, ix, rnd, ctx):
    field = TEXT_FIELD[ctx.kind]
    value = row.values[ix[field]] or '办公楼'
    cut = 1 + int(rnd.random() * max(1, len(value) - 1))
    row.values[ix[field]] = value[:cut] + BAD_MARK + value[cut:]
    if ctx.args.format == 'jsonl':
        return 'BAD_JSON', '', 'byte 0xFF: not UTF-8'
    return 'BAD_ENCODING', field, 'byte 0xFF: not valid in the encoding'


def bad_csv_columns(row, ix, rnd, ctx):
    values = [v.replace('\n', ' ').replace('"', '').replace(',', ' ') for v in row.values]
    row.newlines = 0
    if rnd.random() < 0.6:
        # a comma typed inside a cell that nobody quoted: one column too many
        k = ix[TEXT_FIELD[ctx.kind]] if ctx.kind != 'office_building' else ix['address']
        values[k] = values[k][:2] + ',' + values[k][2:]
        note = 'unquoted comma: one column too many'
    else:
        values = values[:-2]
        note = 'last two columns missing'
    row.raw = ','.join(values)
    return 'BAD_CSV', '', note


def bad_json(row, ix, rnd, ctx):
    r = rnd.random()
    if r < 0.4:
        row.raw = 'TRUNCATE'
        note = 'line cut short'
    elif r < 0.7:
        row.raw = 'SINGLEQUOTE'
        note = "single quotes, not JSON"
    else:
        row.raw = 'ARRAY'
        note = 'a mapped value is an array'
    return 'BAD_JSON', '' if r < 0.7 else TEXT_FIELD[ctx.kind], note


def bad_inconsistent(row, ix, rnd, ctx):
    if ctx.kind == 'office_building':
        # the office rooms alone as large as the building
        row.values[ix['office_room_area']] = row.values[ix['building_area']]
        row.values[ix['service_room_area']] = '1200'
        return 'INCONSISTENT', 'building_area', 'rooms add up to more than the building'
    start, end = row.obj
    end = start - 1 - int(rnd.random() * 5)
    row.values[ix['end_date']] = ctx.dates.text(ctx.dates.days[end], 'iso')
    return 'INCONSISTENT', 'end_date', 'ends before it starts'


def bad_coord(row, ix, rnd, ctx):
    lng, lat = region_center(ctx.region)
    if rnd.random() < 0.6:
        row.values[ix['longitude']] = ('%.4f' % lng).replace('.', '')[:3] + '0.' + '%04d' % int(rnd.random() * 10000)
        return 'COORD_RANGE', 'longitude', 'decimal point in the wrong place'
    row.values[ix['latitude']] = '%.4f' % (lat + 60)
    return 'COORD_RANGE', 'latitude', 'beyond 90 degrees'


def bad_year(row, ix, rnd, ctx):
    r = rnd.random()
    if r < 0.5:
        row.values[ix['year_built']] = '%d年' % (1700 + int(rnd.random() * 150))
        return 'DATE_RANGE', 'year_built', 'year before 1900'
    row.values[ix['year_built']] = ('八十年代', '90年代', '不详')[int(rnd.random() * 3)]
    return 'DATE_FORMAT', 'year_built', 'not a year'


BAD_TYPES = {
    'vehicle': [bad_vin_check, bad_vin_check, bad_vin_charset, bad_vin_length, bad_uscc_check,
                bad_uscc_org, bad_uscc_charset, bad_uscc_length, bad_plate_province,
                bad_plate_format, bad_region, bad_date_range, bad_date_format, bad_number_format,
                bad_number_range, bad_unit, bad_enum, bad_enum, bad_missing, bad_missing,
                bad_empty_row, bad_too_long, bad_encoding, bad_csv_columns],
    'office_building': [bad_uscc_check, bad_uscc_org, bad_uscc_charset, bad_uscc_length,
                        bad_region, bad_number_format, bad_number_range, bad_unit, bad_enum,
                        bad_missing, bad_missing, bad_empty_row, bad_too_long, bad_encoding,
                        bad_csv_columns, bad_inconsistent, bad_coord, bad_year],
    'reception_filing': [bad_uscc_check, bad_uscc_org, bad_uscc_charset, bad_uscc_length,
                         bad_region, bad_date_range, bad_date_format, bad_number_format,
                         bad_number_range, bad_unit, bad_missing, bad_missing, bad_empty_row,
                         bad_too_long, bad_encoding, bad_csv_columns, bad_inconsistent,
                         bad_inconsistent],
}


def bad_total(row, ix, rnd, ctx):
    """Reception: the total is not the sum of the parts."""
    parts = [row.values[ix[f]] for f in ('meal_cost', 'accommodation_cost', 'transport_cost',
                                         'other_cost')]
    fen = 0
    for p in parts:
        fen += _fen(p)
    if fen == 0:
        row.values[ix['meal_cost']] = '1200'
        fen = 120000
    wrong = fen + (100 if rnd.random() < 0.5 else -100) * (1 + int(rnd.random() * 50))
    if wrong <= 0:
        wrong = fen + 1000
    row.values[ix['total_cost']] = money_text(wrong, int(rnd.random() * 100))
    return 'INCONSISTENT', 'total_cost', 'total is not the sum of the costs'


def _fen(text):
    """Fen of a money text this generator wrote (for the self-check)."""
    t = unicodedata.normalize('NFKC', text).strip().replace(',', '')
    for prefix in ('¥',):
        t = t[len(prefix):] if t.startswith(prefix) else t
    scale = 100
    if t.endswith('万元'):
        t, scale = t[:-2], 1000000
    elif t.endswith('元'):
        t = t[:-1]
    if not t:
        return 0
    whole, _, frac = t.partition('.')
    digits = len(frac)
    value = int(whole + frac) * scale
    return value // (10 ** digits)


# --------------------------------------------------------------------------
# Output

class Writer:
    def __init__(self, ctx, out):
        self.ctx = ctx
        self.out = out
        self.args = ctx.args
        self.csv = ctx.args.format == 'csv'
        self.encoding = ctx.args.encoding
        self.buf = io.StringIO()
        self.line = 1
        self.newline = '\n' if ctx.args.lf else '\r\n'
        if self.csv:
            self.writer = csv.writer(self.buf, lineterminator=self.newline)
            if self.args.bom and self.encoding == 'utf-8':
                self.buf.write('\ufeff')
            self.writer.writerow([c for _, c, _ in COLUMNS[ctx.kind]])
            self.line = 2
            self.codec_errors = 'replace' if self.encoding == 'gbk' else 'strict'
        else:
            self.keys = [k for _, _, k in COLUMNS[ctx.kind]]
            self.encoder = json.JSONEncoder(ensure_ascii=False, separators=(',', ':'))
            self.codec_errors = 'strict'

    def row(self, row, rnd):
        """Writes row; returns the line where it starts."""
        start = self.line
        if self.csv:
            if row.raw is not None:
                self.buf.write(row.raw + self.newline)
            else:
                self.writer.writerow(row.values)
            self.line += 1 + row.newlines
        else:
            self.buf.write(self.json_line(row, rnd))
            self.buf.write('\n')
            self.line += 1
        if self.buf.tell() > (1 << 22):
            self.flush()
        return start

    def json_line(self, row, rnd):
        obj = {}
        values = row.values
        for k, key in enumerate(self.keys):
            v = values[k]
            if v == '':
                if rnd.random() < 0.3:
                    obj[key] = None   # null and absent both mean "not given"
                continue
            obj[key] = v
        # numbers as JSON numbers, as systems do, where they are plain
        for key in ('id', 'xslc', 'xzqh', 'areaCode', 'regionCode', 'floors', 'guestCount',
                    'staffCount', 'mealCount', 'roomNights', 'gzjg', 'pl'):
            v = obj.get(key)
            if isinstance(v, str) and v.isdigit() and v[0] != '0' and len(v) < 16 \
                    and rnd.random() < 0.6:
                obj[key] = int(v)
        raw = row.raw
        if raw is None:
            return self.encoder.encode(obj)
        if raw == 'TRUNCATE':
            text = self.encoder.encode(obj)
            return text[:len(text) // 2]
        if raw == 'SINGLEQUOTE':
            return self.encoder.encode(obj).replace('"', "'")
        if raw == 'ARRAY':
            field = TEXT_FIELD[self.ctx.kind]
            key = COLUMNS[self.ctx.kind][self.ctx.index[field]][2]
            obj[key] = [obj.get(key, '') or 'x']
            return self.encoder.encode(obj)
        raise ValueError(raw)

    def flush(self):
        text = self.buf.getvalue()
        self.buf.seek(0)
        self.buf.truncate(0)
        if self.encoding == 'gbk':
            text = text.replace('\u00a5', '\uffe5')   # GBK has only the full-width ￥
        data = text.encode(self.encoding, self.codec_errors)
        if BAD_MARK in text:
            data = data.replace(BAD_MARK.encode(self.encoding), BAD_BYTE)
        self.out.write(data)


def generate(args, regions, out, truth=None, check=None):
    ctx = Context(args, regions)
    rnd = ctx.rnd
    maker = {'vehicle': VehicleMaker, 'office_building': OfficeMaker,
             'reception_filing': ReceptionMaker}[args.kind](ctx)
    bad_types = list(BAD_TYPES[args.kind])
    if args.kind == 'reception_filing':
        bad_types += [bad_total, bad_total]
    if args.format == 'jsonl':
        bad_types = [bad_json if f is bad_csv_columns else f for f in bad_types]
    if args.bad_reasons:
        wanted = set(args.bad_reasons.split(','))
        bad_types = [f for f in bad_types if _reasons_of(f, args) & wanted]
        if not bad_types:
            raise SystemExit('gen_sample: --bad-reasons: none of %s applies to %s %s'
                             % (args.bad_reasons, args.kind, args.format))
    ix = ctx.index
    writer = Writer(ctx, out)
    recent = []               # (object number, line) of recent good rows
    counts = {}
    bad_rate, dup_rate = args.bad_rate, args.dup_rate
    offset = args.id_offset
    random_ = rnd.random
    truth_lines = []
    absent = getattr(maker, 'absent', None) if args.revision else None
    for i in range(args.rows):
        g = offset + i
        if absent and absent(g):
            counts['absent'] = counts.get('absent', 0) + 1
            if truth is not None:
                truth_lines.append('0\tabsent\t\tobject %d disposed of by revision %d\n'
                                   % (g, args.revision))
            continue
        r = random_()
        if r < bad_rate:
            row = maker.good(g, rnd)
            row.values[0] = str(i + 1)
            f = bad_types[int(random_() * len(bad_types))]
            row.expected, row.field, row.note = f(row, ix, rnd, ctx)
            if row.raw is None:
                row.newlines = sum(v.count('\n') for v in row.values)
        elif r < bad_rate + dup_rate and recent:
            # the same object again, written differently (a repeat in the export)
            og, oline = recent[int(random_() * len(recent))]
            row = maker.good(og, rnd)
            row.values[0] = str(i + 1)
            row.note = 'repeat of line %d' % oline
        else:
            row = maker.good(g, rnd)
            row.values[0] = str(i + 1)
        if check:
            check(ctx, row)
        line = writer.row(row, rnd)
        if row.expected == 'ok' and not row.note:
            recent.append((g, line))
            if len(recent) > 64:
                del recent[:32]
        counts[row.expected] = counts.get(row.expected, 0) + 1
        if truth is not None:
            truth_lines.append('%d\t%s\t%s\t%s\n' % (line, row.expected, row.field, row.note))
            if len(truth_lines) >= 65536:
                truth.write(''.join(truth_lines))
                truth_lines = []
    writer.flush()
    if truth is not None:
        truth.write(''.join(truth_lines))
    return counts


def _reasons_of(f, args):
    return {
        bad_vin_check: {'VIN_CHECK'}, bad_vin_charset: {'VIN_CHARSET'},
        bad_vin_length: {'VIN_LENGTH'}, bad_uscc_check: {'USCC_CHECK'},
        bad_uscc_org: {'USCC_ORG_CHECK'}, bad_uscc_charset: {'USCC_CHARSET'},
        bad_uscc_length: {'USCC_LENGTH'}, bad_plate_province: {'PLATE_PROVINCE'},
        bad_plate_format: {'PLATE_FORMAT'}, bad_region: {'REGION_UNKNOWN'},
        bad_date_range: {'DATE_RANGE'}, bad_date_format: {'DATE_FORMAT'},
        bad_number_format: {'NUMBER_FORMAT'}, bad_number_range: {'NUMBER_RANGE'},
        bad_unit: {'UNIT_UNKNOWN'}, bad_enum: {'ENUM_UNKNOWN'}, bad_missing: {'MISSING'},
        bad_empty_row: {'MISSING'}, bad_too_long: {'TOO_LONG'},
        bad_encoding: {'BAD_JSON' if args.format == 'jsonl' else 'BAD_ENCODING'},
        bad_csv_columns: {'BAD_CSV'}, bad_json: {'BAD_JSON'},
        bad_inconsistent: {'INCONSISTENT'}, bad_total: {'INCONSISTENT'},
        bad_coord: {'COORD_RANGE'}, bad_year: {'DATE_RANGE', 'DATE_FORMAT'},
    }[f]


# --------------------------------------------------------------------------
# Self-test

def _norm_code(text):
    return unicodedata.normalize('NFKC', text).replace(' ', '').replace('\u3000', '').upper()


def _row_check(ctx, row):
    """Checks a generated row's codes and sums against the intended outcome."""
    if row.raw is not None or row.expected not in ('ok', 'VIN_CHECK', 'VIN_CHARSET', 'VIN_LENGTH',
                                                   'USCC_CHECK', 'USCC_ORG_CHECK',
                                                   'USCC_CHARSET', 'USCC_LENGTH',
                                                   'PLATE_PROVINCE', 'PLATE_FORMAT',
                                                   'REGION_UNKNOWN', 'INCONSISTENT'):
        return
    ix = ctx.index
    v = row.values
    got = {}
    u = _norm_code(v[ix['unit_code']])
    got['unit_code'] = uscc_validate(u)
    reg = _norm_code(v[ix['region_code']])
    got['region_code'] = 'OK' if not reg or reg in ctx.regions or reg in ctx.regions.succession \
        else 'REGION_UNKNOWN'
    if ctx.kind == 'vehicle':
        got['vin'] = vin_validate(_norm_code(v[ix['vin']]))
        plate = norm_plate(v[ix['plate']])
        got['plate'] = plate_validate(plate) if plate else 'OK'
    if ctx.kind == 'reception_filing':
        parts = sum(_fen(v[ix[f]]) for f in ('meal_cost', 'accommodation_cost', 'transport_cost',
                                             'other_cost'))
        total = _fen(v[ix['total_cost']])
        got['total_cost'] = 'INCONSISTENT' if parts and total and parts != total else 'OK'
    bad = {f: r for f, r in got.items() if r != 'OK'}
    if row.expected == 'ok':
        assert not bad, 'good row fails: %s %s' % (bad, v)
    elif row.expected != 'INCONSISTENT' or ctx.kind == 'reception_filing' \
            and row.field == 'total_cost':
        assert bad == {row.field: row.expected}, 'bad row %s/%s: %s %s' % (
            row.expected, row.field, bad, v)


PUBLIC_USCC = ('914403001922038216', '91440300708461136T', '91330100716105852F',
               '91110108551385082Q', '91350100M000100Y43')
PUBLIC_VIN = ('1M8GDM9AXKP042788', '11111111111111111', '1HGCM82633A004352',
              '5GZCZ43D13S812715', 'JH4KA7561PC008269')


def self_test(regions):
    for u in PUBLIC_USCC:
        assert uscc_validate(u) == 'OK', u
        assert uscc_validate(u[:17] + ('0' if u[17] != '0' else '1')) == 'USCC_CHECK', u
    for v in PUBLIC_VIN:
        assert vin_validate(v) == 'OK', v
    assert vin_validate('1M8GDM9A1KP042788') == 'VIN_CHECK'
    assert vin_validate('1M8GDM9AXKP04278O') == 'VIN_CHARSET'
    assert org_check_char('19220382') == '1' and org_check_char('70846113') == '6'
    assert plate_validate('鲁A12345') == 'OK' and plate_validate('鲁AD12345') == 'OK'
    assert plate_validate('齐A12345') == 'PLATE_PROVINCE'
    for sep in PLATE_SEPARATORS:
        assert norm_plate('鲁A' + sep + '12345') == '鲁A12345', sep
        assert plate_validate(norm_plate(sep + '鲁A12345')) == 'PLATE_FORMAT', sep
        assert plate_validate(norm_plate('鲁A' + sep + sep + '12345')) == 'PLATE_FORMAT', sep
    for sep in PLATE_SEPARATORS_GBK:
        sep.encode('gbk')
    assert _fen('12.5万元') == 12500000 and _fen('￥1,234.50') == 123450
    assert Dates().text(datetime.date(2021, 7, 3), 'excel') == '44380'
    pool = VinPool()
    seen = set()
    for g in list(range(20000)) + [pool.size - 1, 10 ** 7 + 3]:
        vin = pool.car(g)[0]
        assert vin_validate(vin) == 'OK', vin
        seen.add(vin)
    assert len(seen) == 20002, 'VINs repeat'
    regions_to_try = ['370102', '370202']
    for code in regions_to_try:
        if code not in regions:
            continue
        for u in make_units(regions, code):
            assert uscc_validate(u.uscc) == 'OK' and u.uscc[2:8] == code, u.uscc
    total = 0
    for kind in KINDS:
        for fmt in ('csv', 'jsonl'):
            for code in regions_to_try:
                if code not in regions:
                    continue
                args = parse_args(['--kind', kind, '--region', code, '--rows', '3000',
                                   '--format', fmt, '--encoding', 'utf-8', '--bad-rate', '0.3',
                                   '--seed', '5'])
                out = io.BytesIO()
                counts = generate(args, regions, out, check=_row_check)
                total += sum(counts.values())
                data = out.getvalue()
                if fmt == 'csv':
                    assert data.count(b'\xff') == counts.get('BAD_ENCODING', 0)
                again = io.BytesIO()
                generate(args, regions, again)
                assert again.getvalue() == data, 'not deterministic'
    print('gen_sample self-test: ok (%d rows checked; regions from %s)' % (total, regions.source))
    return 0


# --------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog='gen_sample.py',
        description='Realistic, messy registry exports for yiwang: vehicles, office buildings '
                    'and reception filings, with real codes, harmless mess and a share of bad '
                    'rows of known reasons.',
        epilog='Row i describes object number id-offset+i: the same number is the same car '
               'in every file. See deploy/samples/README.md.')
    ap.add_argument('--kind', choices=KINDS + ('office', 'reception'),
                    help='vehicle | office_building | reception_filing')
    ap.add_argument('--region', default='370102', help='GB/T 2260 code of the reporting region')
    ap.add_argument('--rows', type=int, default=100, help='rows to write (default 100)')
    ap.add_argument('--format', choices=('csv', 'jsonl'), default='csv')
    ap.add_argument('--encoding', choices=('gb18030', 'gbk', 'utf-8'), default=None,
                    help='CSV: default gb18030; JSON lines are always utf-8')
    ap.add_argument('--bad-rate', type=float, default=0.02,
                    help='share of bad rows, 0..1 (default 0.02)')
    ap.add_argument('--bad-reasons', default='',
                    help='only these reasons for bad rows, comma-separated (e.g. VIN_CHECK,MISSING)')
    ap.add_argument('--dup-rate', type=float, default=0.003,
                    help='share of rows repeating an earlier object (default 0.003)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--id-offset', type=int, default=0,
                    help='object number of the first row (default 0)')
    ap.add_argument('--revision', type=int, default=0,
                    help='vehicles: the export N periods later - odometers grow, some cars '
                         'are retired, disposed cars are left out (default 0)')
    ap.add_argument('--out', default='-', help='output file, - for stdout')
    ap.add_argument('--truth', default=None,
                    help='write line<TAB>expected<TAB>field<TAB>note per row to this file')
    ap.add_argument('--lf', action='store_true', help='CSV lines end in LF, not CRLF')
    ap.add_argument('--bom', action='store_true', help='UTF-8 CSV starts with a BOM')
    ap.add_argument('--regions-file', default=DEFAULT_REGIONS)
    ap.add_argument('--succession-file', default=DEFAULT_SUCCESSION)
    ap.add_argument('--self-test', action='store_true',
                    help='check the code generators and every good row, then exit')
    args = ap.parse_args(argv)
    if args.kind == 'office':
        args.kind = 'office_building'
    elif args.kind == 'reception':
        args.kind = 'reception_filing'
    if args.encoding is None:
        args.encoding = 'utf-8' if args.format == 'jsonl' else 'gb18030'
    if not args.self_test:
        if not args.kind:
            ap.error('--kind is required')
        if args.format == 'jsonl' and args.encoding != 'utf-8':
            ap.error('JSON lines are UTF-8 (RFC 8259); --encoding %s applies to CSV only'
                     % args.encoding)
        if args.revision and args.kind != 'vehicle':
            ap.error('--revision applies to --kind vehicle only')
        if args.rows < 0 or args.revision < 0 or not 0 <= args.bad_rate <= 1 or not 0 <= args.dup_rate <= 1 \
                or args.bad_rate + args.dup_rate > 1 or args.id_offset < 0:
            ap.error('--rows, --id-offset must be >= 0; --bad-rate, --dup-rate in 0..1')
    return args


def main(argv):
    args = parse_args(argv)
    regions = Regions(args.regions_file, args.succession_file)
    if not os.path.exists(args.regions_file or ''):
        sys.stderr.write('gen_sample: %s not found; using a %s\n'
                         % (args.regions_file, regions.source))
    if args.self_test:
        return self_test(regions)
    if args.region not in regions:
        sys.stderr.write('gen_sample: region %s is not in %s\n' % (args.region, regions.source))
        return 2
    if args.region[:2] not in PROVINCE_ABBR:
        sys.stderr.write('gen_sample: region %s has no GA 36 plates; choose a mainland region\n'
                         % args.region)
        return 2
    out = sys.stdout.buffer if args.out == '-' else open(args.out, 'wb')
    truth = open(args.truth, 'w', encoding='utf-8', newline='\n') if args.truth else None
    try:
        counts = generate(args, regions, out, truth)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
        else:
            out.flush()
        if truth:
            truth.close()
    if args.out != '-' and sys.stderr.isatty():
        sys.stderr.write('gen_sample: %d rows to %s: %s\n' % (
            sum(counts.values()), args.out,
            ', '.join('%s %d' % kv for kv in sorted(counts.items()))))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        sys.exit(0)
