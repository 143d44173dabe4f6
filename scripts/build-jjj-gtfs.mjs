#!/usr/bin/env node
// Builds data/jjj/: an ILLUSTRATIVE Beijing–Tianjin–Hebei rail network as GTFS feeds (one folder of .txt
// files per feed), from the facts in ../shared/data/jjj/FACTS.md, which are encoded as data below with the
// FACTS.md section they come from. Plain Node 20 ESM; the only dependency is pinyin-pro, and it is used only
// to cross-check the hand-written pinyin of station names.
//
//   node scripts/build-jjj-gtfs.mjs [outDir]      (default: data/jjj next to this script's folder)
//
// 示意时刻表，依据公开报道的运行时间编制 / illustrative schedule built from published travel times.
// This is NOT an official timetable. See data/jjj/README.md (written by this script) for the method.
//
// Method in one paragraph: every station-to-station run between two consecutive calls of a train takes
//   run = s × ( 60·d / (0.95·v) + 9.5 )  minutes,
// d = km between the calls, v = design speed of the line (km/h), 9.5 min = start/stop allowance; a least-
// squares fit of the four stated Jingguang times from Shijiazhuang (60, 35, 28 and 38 min) gives
// 0.947·v and 9.4 min, and the rounded formula reproduces all four to the minute. s = 1 unless FACTS states
// a travel time for the route: then s is solved per section of the route so that the fastest train of the
// route reproduces the stated time exactly. Every intermediate call adds a 2-minute dwell. Times are rounded
// to whole minutes (cumulatively, from the first departure). The output is the same byte for byte on every run.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT_DIR = path.resolve(process.argv[2] ?? path.join(here, '..', 'data', 'jjj'));

// ---------------------------------------------------------------------------------------------------------
// Labels and constants
// ---------------------------------------------------------------------------------------------------------

const NOTICE_ZH = '示意时刻表，依据公开报道的运行时间编制';
const NOTICE_EN = 'illustrative schedule built from published travel times';
const NOTICE = `${NOTICE_ZH} / ${NOTICE_EN}`;
const FEED_VERSION = `2026.1 ${NOTICE}`;
const PINYIN_LANG = 'zh-Latn-pinyin'; // BCP 47: zh, script Latn, registered variant "pinyin"
const SERVICE_ID = 'daily-2026';
const CALENDAR = { start: '20260101', end: '20261231' };
const SPEED_FACTOR = 0.95; // cruising speed as a share of the design speed
const ALLOWANCE_MIN = 9.5; // start + stop allowance per run between two calls
const DWELL_MIN = 2; // per intermediate call (brief: 2 min per intermediate stop)
const DETOUR = 1.1; // rail km per great-circle km where FACTS gives no length
const MIN_CHANGE_S = 600; // transfers.txt: minimum change time inside a station (assumption, see README)
const PEAKS = [[7 * 60, 9 * 60], [17 * 60, 19 * 60]]; // departures twice as dense in these windows
const SPAN = ['06:00', '22:30']; // first and last departure of a train from its origin
const LATEST_ARRIVAL = '23:30';

// ---------------------------------------------------------------------------------------------------------
// FACTS.md § "Main railway stations (approx. coordinates)". id = toneless pinyin of the Chinese name.
// pinyin: Chinese place-name romanisation (syllables of a name written together, the direction suffix
// 东/西/南/北 and 机场 as separate words, apostrophe before a/o/e syllables), toneless for search.
// ---------------------------------------------------------------------------------------------------------

const STATIONS = [
  // id, 中文, English (FACTS), pinyin, lat, lon, city (FACTS)
  ['beijingxi', '北京西', 'Beijing West', 'Beijing Xi', 39.895, 116.322, 'beijing'],
  ['beijingnan', '北京南', 'Beijing South', 'Beijing Nan', 39.865, 116.379, 'beijing'],
  ['beijingbei', '北京北', 'Beijing North', 'Beijing Bei', 39.943, 116.353, 'beijing'],
  ['beijingchaoyang', '北京朝阳', 'Beijing Chaoyang', 'Beijing Chaoyang', 39.942, 116.51, 'beijing'],
  ['daxingjichang', '大兴机场', 'Daxing Airport', 'Daxing Jichang', 39.51, 116.41, 'beijing'],
  ['zhuozhoudong', '涿州东', 'Zhuozhou East', 'Zhuozhou Dong', 39.47, 115.99, 'baoding'],
  ['gaobeidiandong', '高碑店东', 'Gaobeidian East', 'Gaobeidian Dong', 39.33, 115.9, 'baoding'],
  ['baodingdong', '保定东', 'Baoding East', 'Baoding Dong', 38.865, 115.543, 'baoding'],
  ['dingzhoudong', '定州东', 'Dingzhou East', 'Dingzhou Dong', 38.51, 115.04, 'baoding'],
  ['zhengdingjichang', '正定机场', 'Zhengding Airport', 'Zhengding Jichang', 38.28, 114.7, 'shijiazhuang'],
  ['shijiazhuang', '石家庄', 'Shijiazhuang', 'Shijiazhuang', 38.01, 114.48, 'shijiazhuang'],
  ['gaoyixi', '高邑西', 'Gaoyi West', 'Gaoyi Xi', 37.61, 114.57, 'shijiazhuang'],
  ['xingtaidong', '邢台东', 'Xingtai East', 'Xingtai Dong', 37.07, 114.57, 'xingtai'],
  ['handandong', '邯郸东', 'Handan East', 'Handan Dong', 36.6, 114.56, 'handan'],
  ['anyangdong', '安阳东', 'Anyang East', 'Anyang Dong', 36.1, 114.4, 'anyang'],
  ['zhengzhoudong', '郑州东', 'Zhengzhou East', 'Zhengzhou Dong', 34.76, 113.77, 'zhengzhou'],
  ['yangquanbei', '阳泉北', 'Yangquan North', 'Yangquan Bei', 37.91, 113.55, 'yangquan'],
  ['taiyuannan', '太原南', 'Taiyuan South', 'Taiyuan Nan', 37.78, 112.6, 'taiyuan'],
  ['xinjinan', '辛集南', 'Xinji South', 'Xinji Nan', 37.9, 115.21, 'shijiazhuang'],
  ['hengshuibei', '衡水北', 'Hengshui North', 'Hengshui Bei', 37.77, 115.7, 'hengshui'],
  ['dezhoudong', '德州东', 'Dezhou East', 'Dezhou Dong', 37.45, 116.35, 'dezhou'],
  ['jinanxi', '济南西', 'Jinan West', 'Jinan Xi', 36.67, 116.89, 'jinan'],
  ['jinandong', '济南东', 'Jinan East', 'Jinan Dong', 36.72, 117.13, 'jinan'],
  ['cangzhouxi', '沧州西', 'Cangzhou West', 'Cangzhou Xi', 38.29, 116.79, 'cangzhou'],
  ['tianjin', '天津', 'Tianjin', 'Tianjin', 39.136, 117.21, 'tianjin'],
  ['tianjinxi', '天津西', 'Tianjin West', 'Tianjin Xi', 39.159, 117.165, 'tianjin'],
  ['tianjinnan', '天津南', 'Tianjin South', 'Tianjin Nan', 39.058, 117.06, 'tianjin'],
  ['bazhouxi', '霸州西', 'Bazhou West', 'Bazhou Xi', 39.12, 116.35, 'langfang'],
  ['baiyangdian', '白洋淀', 'Baiyangdian', 'Baiyangdian', 38.94, 116.02, 'xiongan'],
  ['xushui', '徐水', 'Xushui', 'Xushui', 39.02, 115.65, 'baoding'],
  ['xiongan', '雄安', "Xiong'an", "Xiong'an", 39.03, 116.0, 'xiongan'],
  ['langfang', '廊坊', 'Langfang', 'Langfang', 39.51, 116.7, 'langfang'],
  ['tangshan', '唐山', 'Tangshan', 'Tangshan', 39.63, 118.15, 'tangshan'],
  ['qinhuangdao', '秦皇岛', 'Qinhuangdao', 'Qinhuangdao', 39.94, 119.59, 'qinhuangdao'],
  ['zhangjiakou', '张家口', 'Zhangjiakou', 'Zhangjiakou', 40.77, 114.9, 'zhangjiakou'],
  ['chengdenan', '承德南', 'Chengde South', 'Chengde Nan', 40.89, 117.93, 'chengde'],
].map(([id, zh, en, py, lat, lon, city]) => ({ id, zh, en, py, lat, lon, city }));
const ST = Object.fromEntries(STATIONS.map((s) => [s.id, s]));

// ---------------------------------------------------------------------------------------------------------
// FACTS.md § "Lines in service, with stated travel times": line geometry. A leg gives either the FACTS
// chainage, or a FACTS total length (split between stations by great-circle distance), or nothing (then
// great-circle × DETOUR). Design speeds marked `assumed` are not in FACTS.
// ---------------------------------------------------------------------------------------------------------

const LINES = {
  jingguang: {
    zh: '京广高铁', en: 'Beijing–Guangzhou HSR', v: 350, vSource: 'FACTS',
    legs: [{ chainage: [['beijingxi', 0], ['zhuozhoudong', 59], ['gaobeidiandong', 84], ['baodingdong', 139],
      ['dingzhoudong', 200], ['zhengdingjichang', 244], ['shijiazhuang', 280], ['gaoyixi', 323],
      ['xingtaidong', 384], ['handandong', 437], ['anyangdong', 496], ['zhengzhoudong', 663]] }],
  },
  shitai: {
    zh: '石太客专', en: 'Shijiazhuang–Taiyuan passenger line', v: 250, vSource: 'FACTS',
    legs: [{ stations: ['shijiazhuang', 'yangquanbei', 'taiyuannan'], totalKm: 190 }],
  },
  shiji: {
    // Shijiazhuang–Hengshui length: FACTS § "Planned lines" (Shihengcang reuses Shiji for 109.94 km).
    zh: '石济客专', en: 'Shijiazhuang–Jinan HSR', v: 250, vSource: 'assumed',
    legs: [{ stations: ['shijiazhuang', 'xinjinan', 'hengshuibei'], totalKm: 109.94 },
      { stations: ['hengshuibei', 'dezhoudong', 'jinandong'] }],
  },
  jinghu: {
    zh: '京沪高铁', en: 'Beijing–Shanghai HSR', v: 350, vSource: 'assumed',
    legs: [{ stations: ['beijingnan', 'langfang', 'tianjinnan', 'cangzhouxi', 'dezhoudong', 'jinanxi'] }],
  },
  jingzhang: {
    zh: '京张高铁', en: 'Beijing–Zhangjiakou HSR', v: 350, vSource: 'assumed',
    legs: [{ stations: ['beijingbei', 'zhangjiakou'] }],
  },
  jingjin: {
    zh: '京津城际', en: 'Beijing–Tianjin intercity', v: 350, vSource: 'assumed',
    legs: [{ stations: ['beijingnan', 'tianjin'] }],
  },
  jinbao: {
    zh: '津保城际', en: 'Tianjin–Baoding intercity', v: 250, vSource: 'assumed',
    legs: [{ stations: ['tianjinxi', 'bazhouxi', 'baiyangdian', 'xushui', 'baodingdong'], totalKm: 157.8 }],
  },
  jingxiong: {
    zh: '京雄城际', en: "Beijing–Xiong'an intercity", v: 350, vSource: 'assumed',
    legs: [{ stations: ['beijingxi', 'daxingjichang', 'xiongan'] }],
  },
};

// ---------------------------------------------------------------------------------------------------------
// Feeds (one per operator unit) and routes (services). Route path pieces: [lineId, from, to] along a line,
// or { direct: [from, to], v } where FACTS names no path (great-circle × DETOUR; the stated time then fixes
// the run anyway). Patterns list calls in path order (direction_id 0); direction 1 runs them in reverse.
// Departures: `n` trains per direction spread over the route's `schedule` window at its reference station
// (denser at peaks, see shareSlots), or explicit origin departure `times` [[dir0...], [dir1...]].
// Anchors: the stated times of FACTS that the fastest train of the route must reproduce.
// ---------------------------------------------------------------------------------------------------------

const FEEDS = [
  {
    id: 'cr-hsr',
    agency: { id: 'cr-hsr', zh: '国铁 高速列车（示意时刻表，非官方）', en: 'China Railway high-speed trains (illustrative schedule, not official)' },
    summary: 'G trains on the national high-speed lines and the cross-line (跨线) services from Shijiazhuang',
  },
  {
    id: 'cr-intercity',
    agency: { id: 'cr-intercity', zh: '国铁 城际列车（示意时刻表，非官方）', en: 'China Railway intercity trains (illustrative schedule, not official)' },
    summary: 'shuttle services on the three lines built as intercity railways (城际铁路)',
  },
];

const ROUTES = [
  {
    id: 'jingguang', feed: 'cr-hsr', line: 'jingguang', color: 'D7263D',
    short: ['京广高铁', 'Beijing–Guangzhou HSR'], long: ['北京西—郑州东', 'Beijing West – Zhengzhou East'],
    path: [['jingguang', 'beijingxi', 'zhengzhoudong']],
    schedule: { ref: 'shijiazhuang', first: '06:30', last: '22:30' },
    patterns: {
      // 10 non-stop pairs Beijing West–Shijiazhuang a day (FACTS): ns + nsz.
      ns: { calls: ['beijingxi', 'shijiazhuang'], n: 6 },
      nsz: { calls: ['beijingxi', 'shijiazhuang', 'handandong', 'zhengzhoudong'], n: 4 },
      bd: { calls: ['beijingxi', 'baodingdong', 'shijiazhuang'], n: 8 },
      gb: { calls: ['beijingxi', 'gaobeidiandong', 'shijiazhuang', 'xingtaidong', 'handandong', 'anyangdong', 'zhengzhoudong'], n: 5 },
      long: { calls: ['beijingxi', 'baodingdong', 'shijiazhuang', 'gaoyixi', 'xingtaidong', 'handandong', 'anyangdong', 'zhengzhoudong'], n: 4 },
      bz: { calls: ['beijingxi', 'baodingdong', 'zhengdingjichang', 'shijiazhuang'], n: 4 },
      all: { calls: ['beijingxi', 'zhuozhoudong', 'gaobeidiandong', 'baodingdong', 'dingzhoudong', 'zhengdingjichang', 'shijiazhuang'], n: 3 },
      sz: { calls: ['shijiazhuang', 'gaoyixi', 'xingtaidong', 'handandong', 'anyangdong', 'zhengzhoudong'], n: 4 },
    },
    anchors: [
      { from: 'shijiazhuang', to: 'baodingdong', minutes: 35, pattern: 'bd', fact: 'Baoding East 35 min' },
      { from: 'shijiazhuang', to: 'beijingxi', minutes: 60, pattern: 'ns', fact: 'Beijing West 60 min (non-stop, about 10 pairs a day)' },
      { from: 'shijiazhuang', to: 'xingtaidong', minutes: 28, pattern: 'gb', fact: 'Xingtai East 28 min' },
      { from: 'shijiazhuang', to: 'handandong', minutes: 38, pattern: 'nsz', fact: 'Handan East 38 min' },
    ],
  },
  {
    id: 'shitai', feed: 'cr-hsr', line: 'shitai', color: 'F46036',
    short: ['石太客专', 'Shijiazhuang–Taiyuan PDL'], long: ['石家庄—太原南', 'Shijiazhuang – Taiyuan South'],
    path: [['shitai', 'shijiazhuang', 'taiyuannan']],
    schedule: { ref: 'shijiazhuang', first: '06:30', last: '22:00' },
    patterns: {
      yq: { calls: ['shijiazhuang', 'yangquanbei', 'taiyuannan'], n: 6 },
      ns: { calls: ['shijiazhuang', 'taiyuannan'], n: 4 },
    },
    anchors: [],
  },
  {
    id: 'shiji', feed: 'cr-hsr', line: 'shiji', color: '3D348B',
    short: ['石济客专', 'Shijiazhuang–Jinan HSR'], long: ['石家庄—济南东', 'Shijiazhuang – Jinan East'],
    path: [['shiji', 'shijiazhuang', 'jinandong']],
    schedule: { ref: 'shijiazhuang', first: '06:30', last: '21:30' },
    patterns: {
      hd: { calls: ['shijiazhuang', 'hengshuibei', 'dezhoudong', 'jinandong'], n: 3 },
      hj: { calls: ['shijiazhuang', 'hengshuibei', 'jinandong'], n: 2 },
      all: { calls: ['shijiazhuang', 'xinjinan', 'hengshuibei', 'dezhoudong', 'jinandong'], n: 3 },
      hs: { calls: ['shijiazhuang', 'xinjinan', 'hengshuibei'], n: 2 },
    },
    anchors: [
      { from: 'shijiazhuang', to: 'dezhoudong', minutes: 90, pattern: 'hd', fact: 'Dezhou East 90 min' },
      { from: 'shijiazhuang', to: 'jinandong', minutes: 127, pattern: 'hj', fact: 'Jinan about 2 h 07 (opening day; another source says 1 h 20, uncertain, not used)' },
    ],
  },
  {
    id: 'jinghu', feed: 'cr-hsr', line: 'jinghu', color: '1B998B',
    short: ['京沪高铁', 'Beijing–Shanghai HSR'], long: ['北京南—济南西', 'Beijing South – Jinan West'],
    path: [['jinghu', 'beijingnan', 'jinanxi']],
    schedule: { ref: 'beijingnan', first: '06:30', last: '22:00' },
    patterns: {
      ns: { calls: ['beijingnan', 'jinanxi'], n: 4 },
      tj: { calls: ['beijingnan', 'tianjinnan', 'jinanxi'], n: 4 },
      all: { calls: ['beijingnan', 'langfang', 'tianjinnan', 'cangzhouxi', 'dezhoudong', 'jinanxi'], n: 4 },
      cz: { calls: ['beijingnan', 'tianjinnan', 'cangzhouxi', 'dezhoudong', 'jinanxi'], n: 4 },
    },
    anchors: [],
  },
  {
    id: 'jingzhang', feed: 'cr-hsr', line: 'jingzhang', color: '6A4C93',
    short: ['京张高铁', 'Beijing–Zhangjiakou HSR'], long: ['北京北—张家口', 'Beijing North – Zhangjiakou'],
    path: [['jingzhang', 'beijingbei', 'zhangjiakou']],
    schedule: { ref: 'beijingbei', first: '06:30', last: '22:00' },
    patterns: { ns: { calls: ['beijingbei', 'zhangjiakou'], n: 10 } },
    anchors: [{ from: 'beijingbei', to: 'zhangjiakou', minutes: 56, pattern: 'ns', fact: 'Beijing North – Zhangjiakou 56 min' }],
  },
  {
    id: 'sjz-tianjinxi', feed: 'cr-hsr', color: '8F2D56', crossLine: true,
    short: ['', ''], long: ['石家庄—天津西（经保定东）', 'Shijiazhuang – Tianjin West (via Baoding East)'],
    path: [['jingguang', 'shijiazhuang', 'baodingdong'], ['jinbao', 'baodingdong', 'tianjinxi']],
    schedule: { ref: 'shijiazhuang', first: '07:00', last: '20:30' },
    patterns: { bd: { calls: ['shijiazhuang', 'baodingdong', 'tianjinxi'], n: 5 } },
    anchors: [{ from: 'shijiazhuang', to: 'tianjinxi', minutes: 90, pattern: 'bd', fact: 'Shijiazhuang–Tianjin about 1.5 h via Baoding' }],
  },
  {
    id: 'sjz-qinhuangdao', feed: 'cr-hsr', color: 'A23E48', crossLine: true,
    short: ['', ''], long: ['石家庄—秦皇岛', 'Shijiazhuang – Qinhuangdao'],
    path: [{ direct: ['shijiazhuang', 'tangshan'], v: 350 }, { direct: ['tangshan', 'qinhuangdao'], v: 350 }],
    patterns: { ts: { calls: ['shijiazhuang', 'tangshan', 'qinhuangdao'], times: [['07:50', '13:25'], ['08:30', '15:10']] } },
    anchors: [
      { from: 'shijiazhuang', to: 'tangshan', minutes: 128, pattern: 'ts', fact: 'Tangshan 2 h 08 (Oct 2022)' },
      { from: 'shijiazhuang', to: 'qinhuangdao', minutes: 169, pattern: 'ts', fact: 'Qinhuangdao 2 h 49 (Oct 2022)' },
    ],
  },
  {
    id: 'sjz-chengdenan', feed: 'cr-hsr', color: '5C6B73', crossLine: true,
    short: ['', ''], long: ['石家庄—承德南', 'Shijiazhuang – Chengde South'],
    path: [{ direct: ['shijiazhuang', 'chengdenan'], v: 350 }],
    patterns: {
      fast: { calls: ['shijiazhuang', 'chengdenan'], times: [['08:05'], ['09:10']] },
      // FACTS: "about 3 h 24–3 h 41": the second train runs at the slow end of the stated range.
      slow: { calls: ['shijiazhuang', 'chengdenan'], times: [['14:20'], ['15:35']], stretch: 221 / 204 },
    },
    anchors: [{ from: 'shijiazhuang', to: 'chengdenan', minutes: 204, pattern: 'fast', fact: 'Chengde about 3 h 24–3 h 41 (Oct 2022)' }],
  },
  {
    id: 'sjz-langfang', feed: 'cr-hsr', color: '7A9E7E', crossLine: true,
    short: ['', ''], long: ['石家庄—廊坊', 'Shijiazhuang – Langfang'],
    path: [{ direct: ['shijiazhuang', 'langfang'], v: 350 }],
    patterns: { ns: { calls: ['shijiazhuang', 'langfang'], times: [['09:40'], ['16:05']] } },
    anchors: [{ from: 'shijiazhuang', to: 'langfang', minutes: 160, pattern: 'ns', fact: 'Langfang about 2 h 40 (one pair a day, Oct 2022)' }],
  },
  {
    id: 'sjz-cangzhouxi', feed: 'cr-hsr', color: 'B07156', crossLine: true,
    short: ['', ''], long: ['石家庄—沧州西（经衡水北、德州东）', 'Shijiazhuang – Cangzhou West (via Hengshui North, Dezhou East)'],
    path: [['shiji', 'shijiazhuang', 'dezhoudong'], ['jinghu', 'dezhoudong', 'cangzhouxi']],
    patterns: { hd: { calls: ['shijiazhuang', 'hengshuibei', 'dezhoudong', 'cangzhouxi'], times: [['08:35', '16:50'], ['10:15', '18:40']] } },
    anchors: [{ from: 'shijiazhuang', to: 'cangzhouxi', minutes: 135, pattern: 'hd', fact: 'Cangzhou West 2 h 15 (direct since 2023-07-01, via Dezhou East and Hengshui North)' }],
  },
  {
    id: 'jingjin', feed: 'cr-intercity', line: 'jingjin', color: '0081A7',
    short: ['京津城际', 'Beijing–Tianjin intercity'], long: ['北京南—天津', 'Beijing South – Tianjin'],
    path: [['jingjin', 'beijingnan', 'tianjin']],
    schedule: { ref: 'beijingnan', first: '06:00', last: '22:30' },
    patterns: { ns: { calls: ['beijingnan', 'tianjin'], n: 30 } },
    anchors: [{ from: 'beijingnan', to: 'tianjin', minutes: 30, pattern: 'ns', fact: 'Beijing South – Tianjin about 30 min' }],
  },
  {
    id: 'jinbao', feed: 'cr-intercity', line: 'jinbao', color: '00AFB9',
    short: ['津保城际', 'Tianjin–Baoding intercity'], long: ['天津西—保定东', 'Tianjin West – Baoding East'],
    path: [['jinbao', 'tianjinxi', 'baodingdong']],
    schedule: { ref: 'baodingdong', first: '06:30', last: '22:00' },
    patterns: {
      ns: { calls: ['tianjinxi', 'baodingdong'], n: 4 },
      all: { calls: ['tianjinxi', 'bazhouxi', 'baiyangdian', 'xushui', 'baodingdong'], n: 6 },
    },
    anchors: [{ from: 'baodingdong', to: 'tianjinxi', minutes: 40, pattern: 'ns', fact: 'Baoding–Tianjin about 40 min' }],
  },
  {
    id: 'jingxiong', feed: 'cr-intercity', line: 'jingxiong', color: 'F07167',
    short: ['京雄城际', "Beijing–Xiong'an intercity"], long: ['北京西—雄安', "Beijing West – Xiong'an"],
    path: [['jingxiong', 'beijingxi', 'xiongan']],
    schedule: { ref: 'beijingxi', first: '06:00', last: '22:30' },
    patterns: { all: { calls: ['beijingxi', 'daxingjichang', 'xiongan'], n: 16 } },
    anchors: [
      { from: 'daxingjichang', to: 'xiongan', minutes: 19, pattern: 'all', fact: "Daxing Airport – Xiong'an 19 min" },
      { from: 'beijingxi', to: 'xiongan', minutes: 50, pattern: 'all', fact: "Beijing West – Xiong'an fastest 50 min end to end" },
    ],
  },
];

// Stated facts checked against the output but not used as anchors (FACTS wording, bound, kind).
const EXTRA_CHECKS = [
  { from: 'shijiazhuang', to: 'hengshuibei', op: '<=', minutes: 60, fact: 'Hengshui within 1 hour' },
  { from: 'shijiazhuang', to: 'chengdenan', op: 'max', minutes: 221, fact: 'Chengde: slow end of "about 3 h 24–3 h 41"' },
];
// Derived (no current stated figure): shown for reference only.
const DERIVED_SHOW = [
  { from: 'shijiazhuang', to: 'taiyuannan', note: 'no current figure; FACTS: "roughly one hour is consistent with the distance and speed"' },
  { from: 'shijiazhuang', to: 'zhengzhoudong', note: 'no current figure; a 2011 plan said "a little over an hour"' },
  { from: 'beijingnan', to: 'jinanxi', note: 'no figure in FACTS' },
  { from: 'tianjinxi', to: 'xushui', note: 'no figure in FACTS' },
];

// FACTS.md § "Planned lines (for scenarios)": deliberately not generated.
const EXCLUDED_PLANNED = [
  ['石雄城际', "Shijiazhuang–Xiong'an intercity", "Baoding East – … – Zhengding Airport – … – Luancheng, 161.48 km, 350 km/h"],
  ['石衡沧港城际', 'Shijiazhuang–Hengshui–Cangzhou–Huanghua Port intercity', 'Hengshui North – … – Cangzhou West – … – Bohai New Area, 333.8 km'],
  ['津石铁路', 'Tianjin–Shijiazhuang railway', 'named in the plan; corridor Tianjin West – Xiong\'an – Shijiazhuang still under study'],
];

// ---------------------------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------------------------

function greatCircleKm(a, b) {
  const R = 6371.0088;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

/** Line → { stations: [id...], km: [number...], kmSource: [...] } in line order. */
function lineGeometry(line) {
  const stations = [];
  const km = [];
  const sources = [];
  for (const leg of line.legs) {
    let ids;
    let pos;
    if (leg.chainage) {
      ids = leg.chainage.map(([id]) => id);
      pos = leg.chainage.map(([, k]) => k);
      sources.push('FACTS chainage');
    } else {
      ids = leg.stations;
      const gc = ids.slice(1).map((id, i) => greatCircleKm(ST[ids[i]], ST[id]));
      const total = gc.reduce((x, y) => x + y, 0);
      const scale = leg.totalKm ? leg.totalKm / total : DETOUR;
      sources.push(leg.totalKm ? `FACTS length ${leg.totalKm} km, split by great-circle distance` : `great-circle × ${DETOUR}`);
      pos = [0];
      for (const g of gc) pos.push(pos[pos.length - 1] + g * scale);
    }
    const base = stations.length ? km[km.length - 1] : 0;
    if (stations.length && stations[stations.length - 1] !== ids[0]) throw new Error(`legs do not join at ${ids[0]}`);
    ids.forEach((id, i) => {
      if (i === 0 && stations.length) return;
      stations.push(id);
      km.push(base + pos[i] - pos[0]);
    });
  }
  return { stations, km, sources };
}
const GEOM = Object.fromEntries(Object.entries(LINES).map(([id, l]) => [id, lineGeometry(l)]));

/** Route path → { stations: [id], km: [cumulative], links: [{ len, v }] }. */
function routePath(route) {
  const stations = [];
  const links = [];
  const add = (id) => {
    if (stations[stations.length - 1] !== id) stations.push(id);
  };
  for (const piece of route.path) {
    if (Array.isArray(piece)) {
      const [lineId, from, to] = piece;
      const g = GEOM[lineId];
      const a = g.stations.indexOf(from);
      const b = g.stations.indexOf(to);
      if (a < 0 || b < 0) throw new Error(`${route.id}: ${from} or ${to} not on ${lineId}`);
      const step = a < b ? 1 : -1;
      add(g.stations[a]);
      for (let i = a; i !== b; i += step) {
        links.push({ len: Math.abs(g.km[i + step] - g.km[i]), v: LINES[lineId].v });
        add(g.stations[i + step]);
      }
    } else {
      const [from, to] = piece.direct;
      add(from);
      links.push({ len: greatCircleKm(ST[from], ST[to]) * DETOUR, v: piece.v });
      add(to);
    }
  }
  if (links.length !== stations.length - 1) throw new Error(`${route.id}: path does not chain`);
  const km = [0];
  for (const l of links) km.push(km[km.length - 1] + l.len);
  return { stations, km, links };
}

// ---------------------------------------------------------------------------------------------------------
// Timing model and calibration
// ---------------------------------------------------------------------------------------------------------

/** Per-link coefficients of the run between path positions a < b: time = Σ s[zone(link)] × c. */
function runCoefficients(p, a, b) {
  const d = p.km[b] - p.km[a];
  const out = [];
  for (let i = a; i < b; i++) {
    const { len, v } = p.links[i];
    out.push({ link: i, c: (60 * len) / (SPEED_FACTOR * v) + (ALLOWANCE_MIN * len) / d });
  }
  return out;
}

/**
 * Solves one factor s per zone (stretch of path between consecutive anchor endpoints) so that each
 * anchor's pattern takes exactly the stated minutes between its two stations. Links outside all zones
 * keep s = 1. Each anchor must bring exactly one new zone (checked), so the solution is unique.
 */
function calibrate(route, p) {
  const idx = (id) => {
    const i = p.stations.indexOf(id);
    if (i < 0) throw new Error(`${route.id}: ${id} not on path`);
    return i;
  };
  const bounds = [...new Set(route.anchors.flatMap((a) => [idx(a.from), idx(a.to)]))].sort((x, y) => x - y);
  const zoneOfLink = p.links.map((_, i) => {
    for (let z = 0; z + 1 < bounds.length; z++) if (bounds[z] <= i && i < bounds[z + 1]) return z;
    return null;
  });
  const s = new Map();
  const linear = (anchor) => {
    const pat = route.patterns[anchor.pattern];
    const stretch = pat.stretch ?? 1;
    const calls = pat.calls.map(idx);
    const lo = Math.min(idx(anchor.from), idx(anchor.to));
    const hi = Math.max(idx(anchor.from), idx(anchor.to));
    if (!calls.includes(lo) || !calls.includes(hi)) throw new Error(`${route.id}: anchor pattern ${anchor.pattern} does not call at both ends`);
    const inside = calls.filter((c) => c >= lo && c <= hi);
    let constant = DWELL_MIN * (inside.length - 2);
    const coef = new Map();
    for (let k = 0; k + 1 < inside.length; k++) {
      for (const { link, c } of runCoefficients(p, inside[k], inside[k + 1])) {
        const z = zoneOfLink[link];
        if (z === null) constant += stretch * c;
        else coef.set(z, (coef.get(z) ?? 0) + stretch * c);
      }
    }
    return { constant, coef };
  };
  const pending = [...route.anchors];
  while (pending.length) {
    const k = pending.findIndex((a) => [...linear(a).coef.keys()].filter((z) => !s.has(z)).length === 1);
    if (k < 0) throw new Error(`${route.id}: anchors do not determine one zone each`);
    const anchor = pending.splice(k, 1)[0];
    const { constant, coef } = linear(anchor);
    let known = constant;
    let unknown = null;
    for (const [z, c] of coef) {
      if (s.has(z)) known += s.get(z) * c;
      else unknown = [z, c];
    }
    const factor = (anchor.minutes - known) / unknown[1];
    if (!(factor > 0)) throw new Error(`${route.id}: stated ${anchor.minutes} min is infeasible (factor ${factor})`);
    s.set(unknown[0], factor);
  }
  for (const a of route.anchors) {
    const { constant, coef } = linear(a);
    let t = constant;
    for (const [z, c] of coef) t += s.get(z) * c;
    if (Math.abs(t - a.minutes) > 1e-9) throw new Error(`${route.id}: anchor ${a.from}-${a.to} gives ${t}`);
  }
  const linkFactor = zoneOfLink.map((z) => (z === null ? 1 : s.get(z)));
  const zones = [...s.entries()].sort((x, y) => x[0] - y[0]).map(([z, f]) => ({
    from: p.stations[bounds[z]], to: p.stations[bounds[z + 1]], factor: f,
  }));
  return { linkFactor, zones };
}

function runMinutes(p, linkFactor, a, b, stretch) {
  let t = 0;
  for (const { link, c } of runCoefficients(p, a, b)) t += linkFactor[link] * c;
  return t * stretch;
}

// ---------------------------------------------------------------------------------------------------------
// Departures
// ---------------------------------------------------------------------------------------------------------

const toMin = (hhmm) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};
const gtfsTime = (min) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}:00`;
const hhmm = (min) => gtfsTime(min).slice(0, 5);

/** n departures from first to last (inclusive), twice as dense in the peak windows, on a 5-minute grid. */
function spread(n, first, last, offset) {
  const f = toMin(first);
  const l = toMin(last);
  const weight = (t) => (PEAKS.some(([a, b]) => t >= a && t < b) ? 2 : 1);
  const cum = [];
  let total = 0;
  for (let t = f; t <= l; t++) cum.push((total += weight(t)));
  const out = [];
  for (let i = 0; i < n; i++) {
    const target = n === 1 ? total / 2 : 1 + (i * (total - 1)) / (n - 1);
    let t = cum.findIndex((c) => c >= target - 1e-9);
    t = Math.round((f + t) / 5) * 5 + offset;
    if (out.length && t <= out[out.length - 1]) t = out[out.length - 1] + 5;
    out.push(t);
  }
  return out;
}

/**
 * Spreads the route's departures over the day as times (slots) at its reference station and gives each
 * slot to one pattern: in time order, the pattern
 * furthest behind its even share of the slots so far, among those that are admissible for the slot and
 * leave the remaining slots fillable (checked by earliest-deadline-first). A pattern is admissible when the
 * train would leave its origin within SPAN and reach its last stop by LATEST_ARRIVAL.
 */
function shareSlots(route, p, group, offset) {
  const info = group.map((e) => {
    const k = e.seq.findIndex((c) => p.stations[c] === route.schedule.ref);
    if (k < 0) throw new Error(`${route.id}.${e.patId}: does not call at ${route.schedule.ref}`);
    const refOffset = e.offs[k][1];
    const run = e.offs[e.offs.length - 1][0];
    // admissible reference times [lo, hi]
    const lo = toMin(SPAN[0]) + refOffset;
    const hi = Math.min(toMin(SPAN[1]), toMin(LATEST_ARRIVAL) - run) + refOffset;
    return { entry: e, refOffset, lo, hi };
  });
  // slots: the schedule's window, narrowed to where some pattern is admissible
  const first = Math.max(toMin(route.schedule.first), Math.min(...info.map((x) => x.lo)));
  const last = Math.min(toMin(route.schedule.last), Math.max(...info.map((x) => x.hi))) - offset;
  const slots = spread(group.reduce((n, e) => n + e.pat.n, 0), hhmm(Math.ceil(first / 5) * 5), hhmm(Math.floor(last / 5) * 5), offset);
  const left = new Map(info.map((x) => [x, x.entry.pat.n]));
  const feasible = (from) => {
    const rest = new Map(left);
    for (let j = from; j < slots.length; j++) {
      let pick = null;
      for (const x of info) if (rest.get(x) > 0 && x.lo <= slots[j] && slots[j] <= x.hi && (!pick || x.hi < pick.hi)) pick = x;
      if (!pick) return false;
      rest.set(pick, rest.get(pick) - 1);
    }
    return true;
  };
  const out = [];
  slots.forEach((slot, i) => {
    const candidates = info
      .filter((x) => left.get(x) > 0 && x.lo <= slot && slot <= x.hi)
      .map((x) => ({ x, deficit: (x.entry.pat.n * (i + 1)) / slots.length - (x.entry.pat.n - left.get(x)) }))
      .sort((a, b) => b.deficit - a.deficit || info.indexOf(a.x) - info.indexOf(b.x));
    const chosen = candidates.find(({ x }) => {
      left.set(x, left.get(x) - 1);
      const ok = feasible(i + 1);
      left.set(x, left.get(x) + 1);
      return ok;
    });
    if (!chosen) throw new Error(`${route.id}: no pattern fits the slot ${hhmm(slot)}`);
    left.set(chosen.x, left.get(chosen.x) - 1);
    out.push({ slot, entry: chosen.x.entry, refOffset: chosen.x.refOffset });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------------------------

function build() {
  const routeInfo = [];
  const tripsByFeed = new Map(FEEDS.map((f) => [f.id, []]));
  for (const route of ROUTES) {
    const p = routePath(route);
    const { linkFactor, zones } = calibrate(route, p);
    const trips = tripsByFeed.get(route.feed);
    // timing of every pattern in both directions: [arrival, departure] offsets from the first departure
    const timed = [];
    for (const [patId, pat] of Object.entries(route.patterns)) {
      const calls = pat.calls.map((id) => p.stations.indexOf(id));
      if (calls.some((c, i) => c < 0 || (i && c <= calls[i - 1]))) throw new Error(`${route.id}.${patId}: calls not in path order`);
      const stretch = pat.stretch ?? 1;
      for (const dir of [0, 1]) {
        const seq = dir === 0 ? calls : [...calls].reverse();
        const offs = [];
        let t = 0; // float minutes, rounded per call
        seq.forEach((c, k) => {
          if (k > 0) t += runMinutes(p, linkFactor, Math.min(seq[k - 1], c), Math.max(seq[k - 1], c), stretch);
          const arr = Math.round(t);
          const last = k === seq.length - 1;
          offs.push([arr, k === 0 || last ? arr : arr + DWELL_MIN]);
          if (k > 0 && !last) t += DWELL_MIN;
        });
        timed.push({ patId, pat, dir, seq, offs });
      }
    }
    // departures: explicit origin times, or the route's slots at its reference station shared out among patterns
    const starts = new Map(); // timed entry → [origin departure minutes]
    for (const e of timed) if (e.pat.times) starts.set(e, e.pat.times[e.dir].map(toMin));
    if (route.schedule) {
      for (const dir of [0, 1]) {
        const group = timed.filter((e) => e.dir === dir && !e.pat.times);
        for (const { slot, entry, refOffset } of shareSlots(route, p, group, dir === 0 ? 0 : 2)) {
          if (!starts.has(entry)) starts.set(entry, []);
          starts.get(entry).push(slot - refOffset);
        }
      }
    }
    for (const e of timed) {
      for (const dep of starts.get(e) ?? []) {
        trips.push({
          route, patId: e.patId, dir: e.dir, dep,
          id: `${route.id}-${e.patId}-${e.dir === 0 ? 'a' : 'b'}-${hhmm(dep).replace(':', '')}`,
          stops: e.seq.map((c, k) => ({ station: p.stations[c], arr: dep + e.offs[k][0], dep: dep + e.offs[k][1] })),
        });
      }
    }
    routeInfo.push({ route, path: p, zones });
  }
  for (const trips of tripsByFeed.values()) {
    trips.sort((x, y) => (x.route.id < y.route.id ? -1 : x.route.id > y.route.id ? 1 : x.dir - y.dir || x.dep - y.dep || (x.patId < y.patId ? -1 : 1)));
  }

  const files = new Map(); // relative path → content
  for (const feed of FEEDS) {
    const trips = tripsByFeed.get(feed.id);
    const routes = ROUTES.filter((r) => r.feed === feed.id);
    const used = new Set(trips.flatMap((t) => t.stops.map((s) => s.station)));
    const stations = STATIONS.filter((s) => used.has(s.id));
    const platformOf = (station, dir) => `${station}-${dir + 1}`;
    const dir = (name) => `${feed.id}/${name}`;

    files.set(dir('agency.txt'), csv(['agency_id', 'agency_name', 'agency_url', 'agency_timezone', 'agency_lang', 'xietong_note'],
      [[feed.agency.id, feed.agency.zh, 'https://www.12306.cn/', 'Asia/Shanghai', 'zh', NOTICE]]));

    const stopRows = [];
    for (const s of stations) {
      stopRows.push([s.id, s.zh, NOTICE, s.lat.toFixed(3), s.lon.toFixed(3), '1', '', '']);
      for (const d of [0, 1]) stopRows.push([platformOf(s.id, d), s.zh, NOTICE, s.lat.toFixed(3), s.lon.toFixed(3), '0', s.id, String(d + 1)]);
    }
    files.set(dir('stops.txt'), csv(['stop_id', 'stop_name', 'stop_desc', 'stop_lat', 'stop_lon', 'location_type', 'parent_station', 'platform_code'], stopRows));

    files.set(dir('routes.txt'), csv(['route_id', 'agency_id', 'route_short_name', 'route_long_name', 'route_desc', 'route_type', 'route_color', 'route_text_color'],
      routes.map((r) => [r.id, feed.agency.id, r.short[0], r.long[0], NOTICE, '101', r.color, 'FFFFFF'])));

    files.set(dir('calendar.txt'), csv(['service_id', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'start_date', 'end_date', 'xietong_note'],
      [[SERVICE_ID, '1', '1', '1', '1', '1', '1', '1', CALENDAR.start, CALENDAR.end, NOTICE]]));

    files.set(dir('trips.txt'), csv(['route_id', 'service_id', 'trip_id', 'trip_headsign', 'direction_id', 'xietong_note'],
      trips.map((t, i) => [t.route.id, SERVICE_ID, t.id, ST[t.stops[t.stops.length - 1].station].zh, String(t.dir), i === 0 ? NOTICE : ''])));

    const stRows = [];
    for (const t of trips) {
      t.stops.forEach((s, k) => stRows.push([t.id, gtfsTime(s.arr), gtfsTime(s.dep), platformOf(s.station, t.dir), String(k + 1), stRows.length === 0 ? NOTICE : '']));
    }
    files.set(dir('stop_times.txt'), csv(['trip_id', 'arrival_time', 'departure_time', 'stop_id', 'stop_sequence', 'xietong_note'], stRows));

    files.set(dir('transfers.txt'), csv(['from_stop_id', 'to_stop_id', 'transfer_type', 'min_transfer_time', 'xietong_note'],
      stations.map((s, i) => [s.id, s.id, '2', String(MIN_CHANGE_S), i === 0 ? NOTICE : ''])));

    const tr = [];
    tr.push(['agency', 'agency_name', 'en', feed.agency.en, feed.agency.id, '', '']);
    for (const r of routes) {
      if (r.short[0]) tr.push(['routes', 'route_short_name', 'en', r.short[1], r.id, '', '']);
      tr.push(['routes', 'route_long_name', 'en', r.long[1], r.id, '', '']);
    }
    for (const s of stations) {
      for (const id of [s.id, platformOf(s.id, 0), platformOf(s.id, 1)]) {
        tr.push(['stops', 'stop_name', 'en', s.en, id, '', '']);
        tr.push(['stops', 'stop_name', PINYIN_LANG, s.py, id, '', '']);
      }
    }
    const headsigns = [...new Set(trips.map((t) => t.stops[t.stops.length - 1].station))].sort();
    for (const id of headsigns) {
      tr.push(['trips', 'trip_headsign', 'en', ST[id].en, '', '', ST[id].zh]);
      tr.push(['trips', 'trip_headsign', PINYIN_LANG, ST[id].py, '', '', ST[id].zh]);
    }
    files.set(dir('translations.txt'), csv(['table_name', 'field_name', 'language', 'translation', 'record_id', 'record_sub_id', 'field_value', 'xietong_note'],
      tr.map((row, i) => [...row, i === 0 ? NOTICE : ''])));

    files.set(dir('feed_info.txt'), csv(['feed_publisher_name', 'feed_publisher_url', 'feed_lang', 'feed_start_date', 'feed_end_date', 'feed_version'],
      [['Xietong project (协同)', 'https://xietong.invalid/', 'zh', CALENDAR.start, CALENDAR.end, FEED_VERSION]]));
  }
  return { files, routeInfo, tripsByFeed };
}

function csvField(v) {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function csv(header, rows) {
  for (const r of rows) if (r.length !== header.length) throw new Error(`row width ${r.length} ≠ ${header.length}: ${header.join(',')}`);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------
// Self-check: parse the written files back and verify them
// ---------------------------------------------------------------------------------------------------------

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') q = false;
      else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...data] = rows;
  return data.map((r) => {
    if (r.length !== header.length) throw new Error('ragged CSV row');
    return Object.fromEntries(header.map((h, i) => [h, r[i]]));
  });
}

const secs = (t) => {
  const [h, m, s] = t.split(':').map(Number);
  return h * 3600 + m * 60 + s;
};

async function selfCheck(outDir) {
  const problems = [];
  const fail = (msg) => problems.push(msg);
  const all = { stopTimes: [], stops: new Map(), trips: new Map() };
  const counts = [];
  for (const feed of FEEDS) {
    const read = (name) => {
      const text = fs.readFileSync(path.join(outDir, feed.id, name), 'utf8');
      if (!text.includes(NOTICE_ZH) || !text.includes(NOTICE_EN)) fail(`${feed.id}/${name}: notice missing`);
      return parseCsv(text);
    };
    const agency = read('agency.txt');
    const stops = read('stops.txt');
    const routes = read('routes.txt');
    const trips = read('trips.txt');
    const stopTimes = read('stop_times.txt');
    const calendar = read('calendar.txt');
    const transfers = read('transfers.txt');
    const translations = read('translations.txt');
    const feedInfo = read('feed_info.txt');
    const uniq = (rows, key, file) => {
      const m = new Map();
      for (const r of rows) {
        const k = key(r);
        if (m.has(k)) fail(`${feed.id}/${file}: duplicate key ${k}`);
        m.set(k, r);
      }
      return m;
    };
    const agencyById = uniq(agency, (r) => r.agency_id, 'agency.txt');
    const stopById = uniq(stops, (r) => r.stop_id, 'stops.txt');
    const routeById = uniq(routes, (r) => r.route_id, 'routes.txt');
    const tripById = uniq(trips, (r) => r.trip_id, 'trips.txt');
    const serviceById = uniq(calendar, (r) => r.service_id, 'calendar.txt');
    uniq(stopTimes, (r) => `${r.trip_id}#${r.stop_sequence}`, 'stop_times.txt');
    uniq(translations, (r) => `${r.table_name}#${r.field_name}#${r.language}#${r.record_id}#${r.field_value}`, 'translations.txt');
    for (const a of agency) if (a.agency_timezone !== 'Asia/Shanghai' || a.agency_lang !== 'zh' || !/示意/.test(a.agency_name)) fail(`${feed.id}: agency ${a.agency_id} fields`);
    if (feedInfo.length !== 1 || !feedInfo[0].feed_version.includes(NOTICE)) fail(`${feed.id}: feed_info`);
    for (const c of calendar) {
      if (c.start_date !== '20260101' || c.end_date !== '20261231' || ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].some((d) => c[d] !== '1')) fail(`${feed.id}: calendar ${c.service_id} is not every day of 2026`);
    }
    const children = new Map();
    for (const s of stops) {
      if (s.location_type === '0') {
        const parent = stopById.get(s.parent_station);
        if (!parent || parent.location_type !== '1') fail(`${feed.id}: stop ${s.stop_id} has no station parent`);
        children.set(s.parent_station, (children.get(s.parent_station) ?? 0) + 1);
      } else if (s.location_type !== '1' || s.parent_station) fail(`${feed.id}: stop ${s.stop_id} location_type`);
      const fact = ST[s.parent_station || s.stop_id];
      if (!fact || Number(s.stop_lat) !== fact.lat || Number(s.stop_lon) !== fact.lon || s.stop_name !== fact.zh) fail(`${feed.id}: stop ${s.stop_id} differs from FACTS`);
    }
    for (const s of stops) if (s.location_type === '1' && !children.get(s.stop_id)) fail(`${feed.id}: station ${s.stop_id} has no platform`);
    for (const r of routes) if (!agencyById.has(r.agency_id) || !/^10[0-9]$|^2$/.test(r.route_type)) fail(`${feed.id}: route ${r.route_id}`);
    for (const t of trips) {
      if (!routeById.has(t.route_id)) fail(`${feed.id}: trip ${t.trip_id} → unknown route ${t.route_id}`);
      if (!serviceById.has(t.service_id)) fail(`${feed.id}: trip ${t.trip_id} → unknown service ${t.service_id}`);
    }
    const byTrip = new Map();
    for (const st of stopTimes) {
      if (!tripById.has(st.trip_id)) fail(`${feed.id}: stop_times → unknown trip ${st.trip_id}`);
      const stop = stopById.get(st.stop_id);
      if (!stop) fail(`${feed.id}: stop_times → unknown stop ${st.stop_id}`);
      else if (stop.location_type !== '0') fail(`${feed.id}: stop_times → ${st.stop_id} is not a platform`);
      if (!byTrip.has(st.trip_id)) byTrip.set(st.trip_id, []);
      byTrip.get(st.trip_id).push(st);
    }
    for (const t of trips) {
      const sts = (byTrip.get(t.trip_id) ?? []).sort((a, b) => Number(a.stop_sequence) - Number(b.stop_sequence));
      if (sts.length < 2) fail(`${feed.id}: trip ${t.trip_id} has < 2 stop times`);
      let prev = -1;
      for (const st of sts) {
        const a = secs(st.arrival_time);
        const d = secs(st.departure_time);
        if (!(a > prev) || d < a) fail(`${feed.id}: trip ${t.trip_id} times do not increase at ${st.stop_sequence}`);
        prev = d;
      }
      const lastStop = stopById.get(sts[sts.length - 1]?.stop_id);
      if (lastStop && t.trip_headsign !== lastStop.stop_name) fail(`${feed.id}: trip ${t.trip_id} headsign`);
      all.trips.set(`${feed.id}:${t.trip_id}`, sts.map((st) => ({ station: stopById.get(st.stop_id).parent_station, arr: secs(st.arrival_time), dep: secs(st.departure_time) })));
    }
    for (const x of transfers) if (!stopById.has(x.from_stop_id) || !stopById.has(x.to_stop_id)) fail(`${feed.id}: transfer → unknown stop`);
    for (const x of translations) {
      const table = { agency: agencyById, routes: routeById, stops: stopById }[x.table_name];
      if (x.record_id && (!table || !table.has(x.record_id))) fail(`${feed.id}: translation → unknown ${x.table_name} ${x.record_id}`);
      if (x.field_value && !trips.some((t) => t.trip_headsign === x.field_value)) fail(`${feed.id}: translation of unused headsign ${x.field_value}`);
    }
    for (const s of stops) {
      for (const lang of ['en', PINYIN_LANG]) {
        if (!translations.some((x) => x.table_name === 'stops' && x.record_id === s.stop_id && x.language === lang)) fail(`${feed.id}: no ${lang} name for ${s.stop_id}`);
      }
    }
    counts.push({ feed: feed.id, stations: stops.filter((s) => s.location_type === '1').length, platforms: stops.filter((s) => s.location_type === '0').length, routes: routes.length, trips: trips.length, stopTimes: stopTimes.length, translations: translations.length, transfers: transfers.length });
  }

  // pinyin cross-check with pinyin-pro (toneless syllables of the Chinese name)
  try {
    const { pinyin } = await import('pinyin-pro');
    for (const s of STATIONS) {
      const want = pinyin(s.zh, { toneType: 'none', type: 'array' }).join('');
      if (want !== s.py.toLowerCase().replace(/[^a-z]/g, '')) fail(`pinyin of ${s.zh}: "${s.py}" vs pinyin-pro "${want}"`);
    }
  } catch (e) {
    if (e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    console.warn('pinyin-pro not installed: pinyin cross-check skipped');
  }

  // travel times: every trip, every ordered pair of its calls
  const pairs = new Map(); // "a>b" → [minutes...]
  for (const calls of all.trips.values()) {
    for (let i = 0; i < calls.length; i++) {
      for (let j = i + 1; j < calls.length; j++) {
        const key = `${calls[i].station}>${calls[j].station}`;
        if (!pairs.has(key)) pairs.set(key, []);
        pairs.get(key).push((calls[j].arr - calls[i].dep) / 60);
      }
    }
  }
  const stat = (a, b) => {
    const v = pairs.get(`${a}>${b}`) ?? [];
    return { min: v.length ? Math.min(...v) : null, max: v.length ? Math.max(...v) : null, n: v.length, all: v };
  };
  const table = [];
  for (const r of ROUTES) {
    for (const a of r.anchors) {
      for (const [x, y] of [[a.from, a.to], [a.to, a.from]]) {
        const g = stat(x, y);
        const ok = g.min === a.minutes;
        if (!ok) fail(`stated ${x}→${y} ${a.minutes} min, generated fastest ${g.min}`);
        table.push({ from: x, to: y, stated: `${a.minutes}`, generated: g.min, trips: g.n, ok, fact: a.fact, route: r.id });
      }
    }
  }
  for (const c of EXTRA_CHECKS) {
    for (const [x, y] of [[c.from, c.to], [c.to, c.from]]) {
      const g = stat(x, y);
      const value = c.op === 'max' ? g.max : g.min;
      const ok = c.op === '<=' ? value !== null && value <= c.minutes : value === c.minutes;
      if (!ok) fail(`stated ${x}→${y} ${c.op} ${c.minutes}, generated ${value}`);
      table.push({ from: x, to: y, stated: c.op === '<=' ? `≤ ${c.minutes}` : `${c.minutes} (slowest)`, generated: value, trips: g.n, ok, fact: c.fact, kind: c.op === 'max' ? 'slowest' : 'fastest' });
    }
  }
  const sjzBjw = stat('shijiazhuang', 'beijingxi');
  if (sjzBjw.min !== 60) fail(`Shijiazhuang → Beijing West fastest is ${sjzBjw.min}, not 60`);
  const nonstop = { a: 0, b: 0 };
  for (const calls of all.trips.values()) {
    for (let i = 0; i + 1 < calls.length; i++) {
      if (calls[i].station === 'shijiazhuang' && calls[i + 1].station === 'beijingxi') nonstop.a++;
      if (calls[i].station === 'beijingxi' && calls[i + 1].station === 'shijiazhuang') nonstop.b++;
    }
  }
  if (nonstop.a !== 10 || nonstop.b !== 10) fail(`non-stop Shijiazhuang–Beijing West pairs: ${nonstop.a}/${nonstop.b}, expected 10`);
  const histogram = new Map();
  for (const m of sjzBjw.all) histogram.set(m, (histogram.get(m) ?? 0) + 1);
  const derived = DERIVED_SHOW.map((d) => ({ ...d, fastest: stat(d.from, d.to).min, back: stat(d.to, d.from).min }));
  let latest = 0;
  let earliest = Infinity;
  for (const [id, calls] of all.trips) {
    const first = calls[0].dep / 60;
    const end = calls[calls.length - 1].arr / 60;
    if (first < toMin(SPAN[0]) || first > toMin(SPAN[1]) || end > toMin(LATEST_ARRIVAL)) fail(`trip ${id} outside the service span`);
    latest = Math.max(latest, calls[calls.length - 1].arr);
    earliest = Math.min(earliest, calls[0].dep);
  }
  return { problems, counts, table, histogram: [...histogram.entries()].sort((x, y) => x[0] - y[0]), derived, latest: latest / 60, earliest: earliest / 60, nonstop };
}

// ---------------------------------------------------------------------------------------------------------
// README
// ---------------------------------------------------------------------------------------------------------

function leastSquaresFit() {
  const g = GEOM.jingguang;
  const kmOf = (id) => g.km[g.stations.indexOf(id)];
  const pts = ROUTES.find((r) => r.id === 'jingguang').anchors.map((a) => [Math.abs(kmOf(a.to) - kmOf(a.from)), a.minutes]);
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  const slope = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return { kmh: 60 / slope, factor: 60 / slope / 350, intercept: my - slope * mx, pts };
}

function readme(routeInfo, check) {
  const name = (id) => `${ST[id].zh} ${ST[id].en}`;
  const fit = leastSquaresFit();
  const L = [];
  const lineRows = Object.entries(LINES).map(([id, l]) => {
    const g = GEOM[id];
    return `| ${l.zh} ${l.en} | ${g.stations.map((s) => ST[s].zh).join(' – ')} | ${g.km[g.km.length - 1].toFixed(1)} | ${g.sources.join('; ')} | ${l.v}${l.vSource === 'assumed' ? ' (assumed, not in FACTS)' : ' (FACTS)'} |`;
  });
  const feedRows = check.counts.map((c) => {
    const f = FEEDS.find((x) => x.id === c.feed);
    return `| \`${c.feed}\` | ${f.agency.zh} | ${f.summary} | ${c.stations} | ${c.platforms} | ${c.routes} | ${c.trips} | ${c.stopTimes} |`;
  });
  const total = check.counts.reduce((s, c) => ({ stations: s.stations + c.stations, platforms: s.platforms + c.platforms, routes: s.routes + c.routes, trips: s.trips + c.trips, stopTimes: s.stopTimes + c.stopTimes }), { stations: 0, platforms: 0, routes: 0, trips: 0, stopTimes: 0 });
  const routeRows = routeInfo.map(({ route, zones }) => {
    const pats = Object.entries(route.patterns).map(([pid, p]) => {
      const n = p.times ? p.times[0].length : p.n;
      return `${p.calls.map((s) => ST[s].zh).join('–')} ×${n}${p.stretch ? ` (runs × ${p.stretch.toFixed(3)}: slow end of the stated range)` : ''}`;
    });
    const z = zones.length ? zones.map((x) => `${ST[x.from].zh}–${ST[x.to].zh} s=${x.factor.toFixed(3)}`).join('; ') : 's = 1 (no stated time)';
    return `| \`${route.id}\` (${route.feed}) | ${route.short[0] || route.long[0]} | ${pats.join('<br>')} | ${z} |`;
  });
  const tableRows = check.table.map((r) => `| ${name(r.from)} → ${name(r.to)} | ${r.stated} | ${r.generated} | ${r.trips} | ${r.fact} |`);

  L.push('# data/jjj — illustrative Beijing–Tianjin–Hebei rail network (GTFS)');
  L.push('');
  L.push(`> **${NOTICE_ZH} / ${NOTICE_EN}.**`);
  L.push('> Not an official timetable: China Railway changes its timetable several times a year, and the station');
  L.push('> coordinates are approximate (about ±2 km). Generated by `scripts/build-jjj-gtfs.mjs` — do not edit by hand.');
  L.push('');
  L.push('## Feeds');
  L.push('');
  L.push('| feed id | agency_name | contents | stations | platforms | routes | trips | stop_times |');
  L.push('|---|---|---|---|---|---|---|---|');
  L.push(...feedRows);
  L.push(`| **total** | | | ${total.stations} | ${total.platforms} | ${total.routes} | ${total.trips} | ${total.stopTimes} |`);
  L.push('');
  L.push('Why this split: China Railway runs everything here, so the split is by kind of service, the way riders and');
  L.push('the plan see it: trunk high-speed lines (京广, 京沪, 石太, 石济, 京张) and their long-distance and cross-line');
  L.push('trains, versus the three lines built as intercity railways (京津城际, 津保城际, 京雄城际, 城际 by name) with');
  L.push('shuttle trains between neighbouring cities — the "轨道上的京津冀" part of the plan. Splitting there gives the');
  L.push('regional merge real work — 北京西, 北京南, 保定东 and 天津西 appear in both feeds — while a split by railway');
  L.push('bureau (北京局 / 太原局 / 济南局 / 郑州局) would cut the main corridor into pieces no rider sees. Cross-line');
  L.push('(跨线) trains from Shijiazhuang are in `cr-hsr` even where they run on 津保城际. Both agencies are "国铁"');
  L.push('(China Railway) and say "示意时刻表，非官方" in their name.');
  L.push('');
  L.push('Each feed is a folder of GTFS files: `agency.txt`, `stops.txt`, `routes.txt`, `trips.txt`, `stop_times.txt`,');
  L.push('`calendar.txt`, `transfers.txt`, `translations.txt`, `feed_info.txt` (UTF-8, LF line ends, no shapes, no fares).');
  L.push('');
  L.push('- **Stations and platforms.** Every station is a `location_type=1` stop (`stop_id` = toneless pinyin, e.g.');
  L.push('  `beijingxi`) with two platform children `<id>-1` (trains in `direction_id` 0) and `<id>-2` (direction 1);');
  L.push('  the platform assignment is schematic. Coordinates are those of FACTS.md, on station and platforms alike.');
  L.push('  A station served by both feeds has the same `stop_id` and coordinates in each, so the regional merge joins');
  L.push('  them with a 0 m generated footpath; a station search can group results by `stop_id` across feeds.');
  L.push('- **Names.** `stop_name` is Chinese (北京西). `translations.txt` (GTFS-Translations, `record_id` form) gives every');
  L.push(`  stop two names: \`en\` (English as in FACTS: Beijing West) and \`${PINYIN_LANG}\` (BCP 47: Chinese in Latin`);
  L.push('  script, pinyin variant) in toneless place-name pinyin with the direction word separate: `Beijing Xi`,');
  L.push("  `Zhengding Jichang`, `Xiong'an`. For search: compare lower-case with spaces and apostrophes removed");
  L.push('  (`beijingxi`), and initials of the syllables give `bjx`. The hand-written pinyin is cross-checked against');
  L.push('  `pinyin-pro` by the script. Route short/long names and the agency name have `en` translations; trip');
  L.push('  headsigns (the Chinese name of the last stop) have `en` and pinyin translations in `field_value` form.');
  L.push('  Route names have no pinyin (line abbreviations such as 石济 are not read as place names).');
  L.push('- **Routes.** `route_type` 101 (high-speed rail) for all: every line here is built for 250–350 km/h.');
  L.push('  Cross-line services have only a long name (石家庄—天津西（经保定东）). Trains are not given train numbers');
  L.push('  (`trip_short_name`): illustrative numbers could be mistaken for real ones.');
  L.push(`- **Calendar.** One service, \`${SERVICE_ID}\`: every day from 2026-01-01 to 2026-12-31; no calendar_dates.`);
  L.push(`- **Transfers.** One \`transfer_type\` 2 row per station (from = to = the station, ${MIN_CHANGE_S} s): a minimum change`);
  L.push('  time of 10 minutes between trains at the same station, inside one feed. This figure is an assumption (not');
  L.push('  in FACTS). Across feeds there is no transfers.txt row; the merge\'s generated footpath (0 m) applies.');
  L.push('- **The notice.** "示意时刻表，依据公开报道的运行时间编制 / illustrative schedule built from published travel times" is');
  L.push('  in every file: in `feed_info.feed_version`, in every `stops.stop_desc` and `routes.route_desc`, and in the');
  L.push('  agency name (short form); files without a GTFS text field (agency, calendar, trips, stop_times, transfers,');
  L.push('  translations) carry it in an extra column `xietong_note` on their first row, which GTFS consumers ignore.');
  L.push('');
  L.push('## How the times are made');
  L.push('');
  L.push('Sources: FACTS.md § "Main railway stations" (names, coordinates), § "Lines in service, with stated travel');
  L.push('times" (lines, chainage, design speeds, stated times), and the Shijiazhuang–Hengshui length (109.94 km) from');
  L.push('§ "Planned lines". Everything is encoded as data at the top of the script.');
  L.push('');
  L.push('Run between two consecutive calls of a train, d km apart on a line of design speed v km/h:');
  L.push('');
  L.push('```');
  L.push(`run (min) = s × ( 60·d / (${SPEED_FACTOR}·v) + ${ALLOWANCE_MIN} )        dwell = ${DWELL_MIN} min at every intermediate call`);
  L.push('```');
  L.push('');
  L.push(`- ${SPEED_FACTOR}·v is the cruising speed and ${ALLOWANCE_MIN} min the start-and-stop allowance. A least-squares fit of the four`);
  L.push(`  stated Jingguang times from Shijiazhuang (${fit.pts.map(([d, t]) => `${d} km ${t} min`).join(', ')}) gives`);
  L.push(`  ${fit.kmh.toFixed(0)} km/h (${fit.factor.toFixed(3)} × 350) and ${fit.intercept.toFixed(1)} min; rounded, the formula reproduces all four to the minute.`);
  L.push('- Where a run goes through stations without stopping, d is the whole distance (links of different');
  L.push('  speed each count at their own speed; the allowance is shared by distance).');
  L.push('- s = 1 unless FACTS states a time for the route. Then the route is cut into sections at the stations named');
  L.push('  by the stated times, and s is solved per section so that the train pattern named for each stated time');
  L.push('  reproduces it exactly (the table below lists the factors; s < 1 means the stated time is faster than the');
  L.push('  generic formula, s > 1 slower). Stated times are quoted "from Shijiazhuang"; the reverse direction uses the');
  L.push('  same run times.');
  L.push('- Distances: the FACTS chainage (京广), a FACTS total length split between stations by great-circle');
  L.push(`  distance (石太 190 km, 津保 157.8 km, 石家庄–衡水北 109.94 km), or great-circle × ${DETOUR}.`);
  L.push('- Times are accumulated in fractions of a minute and rounded to whole minutes at each call.');
  L.push('- Departures: each route has a reference station (石家庄 for the lines through it, else a terminus) and a');
  L.push('  window; the trains of all its patterns are spread over the window as times at the reference station,');
  L.push('  twice as densely in 07:00–09:00 and 17:00–19:00, on a 5-minute grid (+2 min in direction 1), and each time');
  L.push('  goes to the pattern furthest behind its even share, so non-stop and stopping trains alternate. A train');
  L.push(`  must leave its origin within ${SPAN[0]}–${SPAN[1]} and arrive by ${LATEST_ARRIVAL}. Sparse cross-line services have explicit`);
  L.push('  times. Both directions run the same patterns, the same number of times.');
  L.push('');
  L.push('| line | stations (FACTS order) | km | distance source | design speed km/h |');
  L.push('|---|---|---|---|---|');
  L.push(...lineRows);
  L.push('');
  L.push('| route | name | patterns (calls ×pairs a day) | calibration |');
  L.push('|---|---|---|---|');
  L.push(...routeRows);
  L.push('');
  L.push('The Tangshan/Qinhuangdao, Chengde and Langfang services have no known path, so their distance is the');
  L.push(`straight line × ${DETOUR} and their large factors only say that the real trains take a longer way; what counts is`);
  L.push('that the stated end-to-end time is reproduced.');
  L.push('');
  L.push('## Stated vs generated (checked on every run)');
  L.push('');
  L.push('Generated = fastest in-vehicle time over all trips calling at both stations in that order (departure to');
  L.push('arrival), in minutes; "slowest" where marked.');
  L.push('');
  L.push('| pair | stated (min) | generated (min) | trips | FACTS says |');
  L.push('|---|---|---|---|---|');
  L.push(...tableRows);
  L.push('');
  const stopping = check.histogram.filter(([m]) => m > 60);
  const inRange = stopping.filter(([m]) => m >= 65 && m <= 80).reduce((s, [, n]) => s + n, 0);
  const allStopping = stopping.reduce((s, [, n]) => s + n, 0);
  L.push(`Shijiazhuang → Beijing West, every train a day (minutes ×trains): ${check.histogram.map(([m, n]) => `${m} ×${n}`).join(', ')}.`);
  L.push(`${check.nonstop.a} are non-stop; ${inRange} of the ${allStopping} stopping trains take 65–80 min (FACTS: "most trains take 65–80 min`);
  L.push('with stops"); the others stop at two or more stations.');
  L.push('');
  L.push('Derived only (no current stated figure):');
  L.push('');
  L.push('| pair | generated fastest (min), both ways | note |');
  L.push('|---|---|---|');
  L.push(...check.derived.map((d) => `| ${name(d.from)} ↔ ${name(d.to)} | ${d.fastest} / ${d.back} | ${d.note} |`));
  L.push('');
  L.push('## Not included');
  L.push('');
  L.push('- Planned lines (FACTS § "Planned lines"), kept for scenario work:');
  L.push(...EXCLUDED_PLANNED.map(([zh, en, what]) => `  - ${zh} ${en}: ${what}.`));
  L.push('- 北京朝阳 Beijing Chaoyang (in the FACTS station table): no line through it is in FACTS (京哈高铁 is not listed),');
  L.push('  so no train calls there and the station is left out.');
  L.push('- No direct Shijiazhuang–Zhangjiakou or Shijiazhuang–Xiong\'an service (FACTS found none).');
  L.push('- The Jinan figure "1 h 20" (FACTS: uncertain) is not used; 2 h 07 is.');
  L.push('');
  L.push('## Caveats');
  L.push('');
  L.push('- Only the stations of the FACTS table exist. Trains on 京津城际 and 京张高铁 are all shown at the stated');
  L.push('  fastest time (the intermediate stations are not in FACTS), so those two lines are optimistic.');
  L.push('- Lines are cut at the edge of the modelled area (京广 at 郑州东, 京沪 at 济南西): trains that really run on to');
  L.push('  Guangzhou or Shanghai end there and their headsign is the last modelled station.');
  L.push('- Cross-line services call only at the stations FACTS names on their way ("via Baoding", "via Dezhou East and');
  L.push('  Hengshui North"); the Tangshan/Qinhuangdao, Chengde and Langfang trains have no intermediate calls because');
  L.push('  FACTS does not say which way they run. Their stated end-to-end time is reproduced; the times of their');
  L.push('  intermediate calls are derived.');
  L.push('- Design speeds of 石济, 京沪, 京张, 京津, 津保 and 京雄 are not in FACTS (assumed 250/350 km/h as in the table);');
  L.push('  on routes with a stated time the calibration overrides them.');
  L.push('- Frequencies, service spans, stopping patterns, platform numbers and the 10-minute change time are');
  L.push('  plausible inventions, not facts. No wheelchair information (unknown).');
  L.push(`- Service span: first departure ${hhmm(check.earliest)}, latest arrival ${hhmm(check.latest)}${check.latest < 24 * 60 ? '; no trip runs past midnight' : ''}.`);
  L.push('- `feed_publisher_url` is a placeholder (`https://xietong.invalid/`); `agency_url` is 12306, where tickets are sold.');
  L.push('');
  L.push('## Regenerate');
  L.push('');
  L.push('```sh');
  L.push('node scripts/build-jjj-gtfs.mjs            # rewrites data/jjj/ (or give another output folder)');
  L.push('```');
  L.push('');
  L.push('Node 20, no dependencies beyond Node\'s built-ins (`pinyin-pro`, a project dependency, only for the pinyin');
  L.push('cross-check). The output is the same byte for byte on every run. After writing, the script parses its own');
  L.push('files back and fails (exit code 1) unless: every reference resolves (trips → routes, services; stop_times →');
  L.push('trips, platforms; platforms → stations; translations and transfers → records), times increase along every');
  L.push('trip, names and coordinates equal FACTS, every stop has an `en` and a pinyin name, every file carries the');
  L.push('notice, every stated time above is the generated fastest (Shijiazhuang → Beijing West: 60 min, 10 non-stop');
  L.push('pairs), and two builds in one run give identical bytes. To change the data, edit the tables at the top of');
  L.push('the script (each cites its FACTS.md section) and run it again.');
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

const built = build();
const again = build();
for (const [k, v] of built.files) if (again.files.get(k) !== v) throw new Error(`non-deterministic output: ${k}`);

fs.mkdirSync(OUT_DIR, { recursive: true });
for (const feed of FEEDS) fs.rmSync(path.join(OUT_DIR, feed.id), { recursive: true, force: true });
for (const [rel, content] of built.files) {
  fs.mkdirSync(path.dirname(path.join(OUT_DIR, rel)), { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, rel), content);
}
const check = await selfCheck(OUT_DIR);
fs.writeFileSync(path.join(OUT_DIR, 'README.md'), readme(built.routeInfo, check));

const pad = (s, n) => String(s).padEnd(n);
console.log(`wrote ${OUT_DIR}`);
for (const c of check.counts) console.log(`  ${pad(c.feed, 13)} stations ${c.stations}, platforms ${c.platforms}, routes ${c.routes}, trips ${c.trips}, stop_times ${c.stopTimes}, translations ${c.translations}, transfers ${c.transfers}`);
console.log('\nstated vs generated (minutes, fastest unless marked):');
for (const r of check.table) console.log(`  ${r.ok ? 'ok ' : 'BAD'} ${pad(`${ST[r.from].en} → ${ST[r.to].en}`, 42)} stated ${pad(r.stated, 12)} generated ${pad(r.generated, 5)} (${r.trips} trips)`);
console.log(`\nShijiazhuang → Beijing West: ${check.histogram.map(([m, n]) => `${m} min ×${n}`).join(', ')}; non-stop ${check.nonstop.a}/${check.nonstop.b} a day`);
for (const d of check.derived) console.log(`  derived ${pad(`${ST[d.from].en} ↔ ${ST[d.to].en}`, 40)} ${d.fastest} / ${d.back} min`);
for (const { route, zones } of built.routeInfo) if (zones.length) console.log(`  calibration ${pad(route.id, 16)} ${zones.map((z) => `${z.from}–${z.to} s=${z.factor.toFixed(3)}`).join('; ')}`);
if (check.problems.length) {
  console.error(`\nself-check FAILED (${check.problems.length}):`);
  for (const p of check.problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log('\nself-check passed');
