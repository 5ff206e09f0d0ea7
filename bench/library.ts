/**
 * `npm run bench:library`: a fresh database with a million library items, then full-text searches and
 * filtered, sorted pages of 200 through the real store. Last line:
 * `BENCH library items=<n> search_p95_ms=<x> page_p95_ms=<y>`.
 *
 * LIBRARY_BENCH_ITEMS changes the size; LIBRARY_BENCH_DB reuses (or keeps) a database file.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/main/core/db/database';
import { LibraryStore, type NewItem } from '../src/main/core/library/store';
import { OPERATIONS, type OperationId } from '../src/shared/catalog';
import type { LibraryQuery, LibrarySort } from '../src/shared/library';

const ITEMS = Number(process.env['LIBRARY_BENCH_ITEMS'] ?? 1_000_000);
const BATCH = 5_000;
const QUERIES = 300;

// A small deterministic PRNG so every run builds the same library.
let seed = 0x2545f491;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x1_0000_0000;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
/** Zipf-ish: early entries are much more common, like real tags and subjects. */
const pickSkewedTag = <T>(list: readonly T[]): T => list[Math.floor(list.length * random() ** 2.5)] as T;

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
/** Subjects, places, actions and looks: what prompts are about and what people search for. */
const NOUNS = words(`cat dog fox owl whale dragon robot samurai astronaut dancer child grandmother knight wizard pilot
 tiger wolf horse deer rabbit panda koala penguin eagle falcon raven butterfly jellyfish octopus shark dolphin turtle
 unicorn phoenix griffin mermaid fairy witch vampire ghost skeleton zombie alien cyborg android mech spaceship
 submarine airship train tram bicycle motorcycle car truck boat sailboat canoe balloon kite umbrella lantern candle
 teacup teapot clock mirror piano violin guitar drum trumpet book scroll map compass sword shield crown throne
 girl boy woman man farmer fisherman chef painter musician soldier monk nun queen king princess prince detective
 scientist doctor nurse firefighter gardener sailor pirate cowboy ninja geisha clown juggler acrobat skateboarder
 surfer climber runner swimmer boxer archer hunter shepherd blacksmith baker tailor librarian astronomer`);
const PLACES = words(`forest ocean desert glacier canyon city village harbor temple castle bridge tower lighthouse market
 subway rooftop garden meadow volcano island river waterfall mountain street alley library cathedral stadium jungle
 swamp savanna tundra reef lagoon beach cliff cave valley plateau prairie orchard vineyard farm barn cottage cabin
 palace pagoda shrine monastery ruins pyramid colosseum skyscraper factory warehouse laboratory hospital school
 classroom museum gallery theater cinema cafe restaurant bakery bookstore train-station airport spaceport moon mars
 nebula galaxy asteroid underwater kitchen bedroom attic basement greenhouse playground carnival circus aquarium`);
const ACTIONS = words(`running flying dancing floating walking swimming drifting spinning exploding melting glowing
 whispering singing laughing crying sleeping dreaming fighting chasing hiding climbing falling jumping surfing
 painting reading writing cooking eating drinking playing racing sailing diving gliding hovering burning freezing
 blooming wilting shattering dissolving transforming morphing emerging vanishing`);
const LOOKS = words(`cinematic dreamy moody vibrant pastel gritty surreal minimal baroque futuristic ancient vintage noir
 golden silver crimson emerald azure violet amber ivory obsidian copper turquoise magenta rainy snowy foggy stormy
 misty sunny cloudy starry neon foggy dusty icy fiery`);
const STYLE = [
  'highly detailed', '8k', '4k', 'volumetric lighting', 'octane render', 'unreal engine', 'soft light', 'bokeh',
  'film grain', 'hdr', 'sharp focus', 'masterpiece', 'digital art', 'concept art', 'photorealistic', 'studio lighting',
  'golden hour', 'depth of field', 'wide angle', 'dramatic lighting', 'vibrant colors', 'ultra realistic', 'epic',
  'slow motion', 'aerial view', 'close-up', 'tracking shot', 'anime style', 'watercolor', 'oil painting', 'pixel art',
  'low poly', 'isometric', 'macro', 'timelapse', 'handheld camera', 'dolly zoom', 'steadicam', 'claymation', 'origami',
];
const ZH_NOUNS = words(`猫咪 小狗 狐狸 猫头鹰 鲸鱼 巨龙 机器人 武士 宇航员 舞者 孩子 奶奶 骑士 巫师 飞行员 老虎 狼 骏马 小鹿 兔子
 熊猫 企鹅 老鹰 蝴蝶 水母 章鱼 海豚 海龟 独角兽 凤凰 美人鱼 精灵 女巫 幽灵 外星人 飞船 潜水艇 火车 自行车 摩托车 帆船
 热气球 风筝 雨伞 灯笼 蜡烛 茶壶 钟表 镜子 钢琴 小提琴 古筝 书卷 地图 宝剑 皇冠 少女 少年 农夫 渔夫 厨师 画家 乐师
 将军 和尚 公主 王子 侦探 科学家 医生 水手 海盗 牛仔 忍者 猫 狗 龙 鱼 鸟 马 花 树 雪 雨 月 星 山 水 云 风`);
const ZH_PLACES = words(`森林 海洋 沙漠 冰川 峡谷 城市 村庄 港口 寺庙 城堡 大桥 高塔 灯塔 市场 地铁 屋顶 花园 草地 火山 岛屿
 河流 瀑布 山脉 街道 小巷 图书馆 教堂 体育场 丛林 沼泽 草原 珊瑚礁 海滩 悬崖 山洞 山谷 果园 农场 小屋 宫殿 宝塔
 废墟 金字塔 摩天大楼 工厂 实验室 医院 学校 博物馆 剧院 咖啡馆 餐厅 面包店 书店 车站 机场 月球 火星 星云 银河 水下 厨房`);
const ZH_STYLE = words(`电影感 梦幻 复古 未来感 古风 水墨 赛博朋克 油画 水彩 动漫 宫崎骏 慢动作 特写 航拍 高清 超写实 柔光 逆光
 黄金时刻 景深 广角 史诗 唯美 霓虹 国潮 像素风 黏土动画 剪纸 皮影`);

const zipf = <T>(list: readonly T[]): T => list[Math.min(list.length - 1, Math.floor(list.length * random() ** 3))] as T;

function englishPrompt(): string {
  const parts: string[] = [];
  for (let n = 1 + Math.floor(random() * 2); n > 0; n--) {
    parts.push(`a ${zipf(LOOKS)} ${zipf(NOUNS)} ${zipf(ACTIONS)} in the ${zipf(PLACES)}`);
  }
  for (let n = 2 + Math.floor(random() * 4); n > 0; n--) parts.push(zipf(STYLE));
  return parts.join(', ');
}

function chinesePrompt(): string {
  const parts: string[] = [];
  for (let n = 1 + Math.floor(random() * 2); n > 0; n--) parts.push(`${zipf(ZH_PLACES)}里的${zipf(ZH_NOUNS)}`);
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) parts.push(zipf(ZH_STYLE));
  return parts.join('，');
}

const TAGS = Array.from({ length: 300 }, (_, i) => (i % 5 === 4 ? `${ZH_NOUNS[i % ZH_NOUNS.length] ?? ''}系列${i}` : `${NOUNS[i % NOUNS.length] ?? ''}-${PLACES[i % PLACES.length] ?? ''}`));
const OPS: OperationId[] = ['hidream.txt2img', 'hidream.txt2img', 'hidream.txt2video', 'hidream.txt2video', 'hidream.video_stylize', 'haiper.generate', 'haiper.generate', 'haiper.extend', 'haiper.upscale'];
const SPAN_MS = 3 * 365 * 24 * 3600_000;
const START = Date.UTC(2024, 0, 1);

function prompt(): string {
  return random() < 0.25 ? chinesePrompt() : englishPrompt();
}

function makeItem(i: number): NewItem {
  const imported = random() < 0.05;
  const createdAt = START + Math.floor((i / ITEMS) * SPAN_MS);
  const tags = random() < 0.6 ? Array.from({ length: 1 + Math.floor(random() * 3) }, () => pickSkewedTag(TAGS)) : [];
  const base = {
    path: `/media/library/${Math.floor(i / 1000)}/item-${i}.${imported ? 'mov' : 'mp4'}`,
    sizeBytes: 200_000 + Math.floor(random() * 80_000_000),
    sha256: null,
    createdAt,
    favourite: random() < 0.05,
    notes: random() < 0.1 ? `for the ${pick(NOUNS)} project, ${pick(ZH_NOUNS)} ${i}` : '',
    tags,
  };
  if (imported) {
    const kind = random() < 0.5 ? 'video' : 'image';
    return { ...base, title: `IMG_${i}`, kind, mime: kind === 'video' ? 'video/quicktime' : 'image/jpeg', source: 'import' };
  }
  const operation = pick(OPS);
  const spec = OPERATIONS[operation];
  const text = prompt();
  const params: Record<string, unknown> =
    spec.vendor === 'hidream'
      ? { prompt: text, negative_prompt: random() < 0.3 ? 'blurry, low quality' : '', resolution: '960*960', version: 'v2' }
      : { prompt: text, negativePrompt: '', settings: { seed: -1, duration: 4, aspectRatio: '16:9' }, config: {} };
  return {
    ...base,
    title: `${operation.split('.')[1] ?? ''}-${Array.from(text).slice(0, 24).join('')}-${i}`,
    kind: spec.output,
    mime: spec.output === 'video' ? 'video/mp4' : 'image/png',
    width: 960,
    height: 960,
    durationMs: spec.output === 'video' ? 4000 : null,
    source: 'job',
    vendor: spec.vendor,
    operation,
    params,
    prompt: text,
    negativePrompt: typeof params['negative_prompt'] === 'string' ? params['negative_prompt'] : '',
    remoteUrl: `https://cdn.example.com/results/${i}.mp4`,
    remoteExpiresAt: createdAt + 24 * 3600_000,
    jobId: `job-${i}`,
    outputId: `out-${i}`,
  };
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? 0;
}
const p95 = (samples: number[]): number => percentile(samples, 0.95);

const fmt = (ms: number): string => ms.toFixed(2);

const dbFile = process.env['LIBRARY_BENCH_DB'] ?? join(mkdtempSync(join(tmpdir(), 'promptreel-bench-')), 'promptreel.db');
const reuse = Boolean(process.env['LIBRARY_BENCH_DB']) && existsSync(dbFile);
const db = openDatabase(dbFile);
const store = new LibraryStore(db, { dataDir: join(dbFile, '..'), trashFile: () => Promise.resolve() });

if (!reuse) {
  const started = performance.now();
  for (let done = 0; done < ITEMS; done += BATCH) {
    const batch: NewItem[] = [];
    for (let i = done; i < Math.min(ITEMS, done + BATCH); i++) batch.push(makeItem(i));
    store.insertItems(batch);
    if ((done + BATCH) % 100_000 === 0) process.stdout.write(`  built ${done + BATCH} items in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
  store.optimize();
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  console.log(`built ${ITEMS} items in ${((performance.now() - started) / 1000).toFixed(1)} s, database ${(statSync(dbFile).size / 1e6).toFixed(0)} MB`);
}
const items = (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
const bounds = db.prepare('SELECT min(created_at) AS lo, max(created_at) AS hi FROM items').get() as { lo: number; hi: number };

// ------------------------------------------------------------------ queries

const SORTS: LibrarySort[] = ['newest', 'oldest', 'title_asc', 'title_desc', 'largest', 'smallest'];
function filters(): LibraryQuery {
  const q: LibraryQuery = {};
  const roll = random();
  if (roll < 0.25) q.kind = pick(['video', 'image'] as const);
  else if (roll < 0.4) q.vendor = pick(['hidream', 'haiper'] as const);
  else if (roll < 0.55) q.operation = pick(OPS);
  if (random() < 0.2) q.favourite = true;
  if (random() < 0.2) q.tag = pickSkewedTag(TAGS);
  if (random() < 0.25) {
    const span = pick([7, 30, 90, 365]) * 24 * 3600_000;
    const from = bounds.lo + Math.floor(random() * (bounds.hi - bounds.lo - span));
    q.from = from;
    q.to = from + span;
  }
  return q;
}

/** What people type: a subject or place, a look, two words, a phrase, Chinese words of every length, tags. */
function searchText(): string {
  const roll = random();
  if (roll < 0.25) return pick([...NOUNS, ...PLACES]);
  if (roll < 0.3) return pick([...NOUNS, ...PLACES]).slice(0, 3 + Math.floor(random() * 3)); // typed so far
  if (roll < 0.38) return pick([...ACTIONS, ...LOOKS]);
  if (roll < 0.43) return pick(STYLE);
  if (roll < 0.55) return `${pick(NOUNS)} ${pick([...PLACES, ...LOOKS, ...ACTIONS])}`;
  if (roll < 0.6) return `"${pick(LOOKS)} ${pick(NOUNS)}"`;
  if (roll < 0.75) return pick([...ZH_NOUNS, ...ZH_PLACES, ...ZH_STYLE].filter((w) => Array.from(w).length >= 3)) + (random() < 0.3 ? ` ${pick(ZH_PLACES)}` : '');
  if (roll < 0.9) return pick([...ZH_NOUNS, ...ZH_PLACES].filter((w) => Array.from(w).length <= 2));
  if (roll < 0.93) return pick(['4k', '8k', 'ai', 'hd']);
  if (roll < 0.97) return pick(TAGS);
  return `project ${pick(NOUNS)}`;
}

/**
 * Wall-clock by default. The machine this runs on is shared; LIBRARY_BENCH_CLOCK=cpu measures this
 * process's CPU time instead, which other processes' load does not inflate (it leaves out I/O waits).
 */
const cpuClock = process.env['LIBRARY_BENCH_CLOCK'] === 'cpu';
function clock(): number {
  if (!cpuClock) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function time(query: LibraryQuery): { ms: number; next: string | null; n: number } {
  const started = clock();
  const page = store.search(query);
  return { ms: clock() - started, next: page.nextCursor, n: page.items.length };
}

/** Runs first pages and, for a third of them, the next page too (keyset paging). */
function run(make: () => LibraryQuery, count: number): { times: number[]; slow: { ms: number; q: LibraryQuery }[]; results: number } {
  const times: number[] = [];
  const slow: { ms: number; q: LibraryQuery }[] = [];
  let results = 0;
  while (times.length < count) {
    const query = { ...make(), limit: 200 };
    const first = time(query);
    times.push(first.ms);
    results += first.n;
    if (first.ms > 10) slow.push({ ms: first.ms, q: query });
    if (first.next && random() < 0.33) {
      const second = time({ ...query, cursor: first.next });
      times.push(second.ms);
      results += second.n;
      if (second.ms > 10) slow.push({ ms: second.ms, q: { ...query, cursor: '(page 2)' } });
    }
  }
  return { times, slow, results };
}

// Warm the page cache the way a running app has it; not measured.
for (let i = 0; i < 30; i++) store.search({ text: searchText(), ...filters(), limit: 200 });

const search = run(() => ({ text: searchText(), ...(random() < 0.4 ? filters() : {}), sort: random() < 0.8 ? 'newest' : 'oldest' }), QUERIES);
const pages = run(() => ({ ...filters(), sort: pick(SORTS) }), QUERIES);
const counts: number[] = [];
for (let i = 0; i < 100; i++) {
  const started = clock();
  store.search({ ...(random() < 0.5 ? { text: searchText() } : {}), ...filters(), limit: 200, withTotal: true });
  counts.push(clock() - started);
}

const report = (name: string, r: ReturnType<typeof run>): void => {
  console.log(`${name}: ${r.times.length} queries, ${r.results} results, p50 ${fmt(percentile(r.times, 0.5))} ms, p95 ${fmt(p95(r.times))} ms, max ${fmt(Math.max(...r.times))} ms`);
  for (const s of r.slow.sort((a, b) => b.ms - a.ms).slice(0, 8)) console.log(`  slow ${fmt(s.ms)} ms ${JSON.stringify(s.q)}`);
};
report('search', search);
report('page', pages);
console.log(`first page with a match count (capped at 10,000): p95 ${fmt(p95(counts))} ms`);
if (!process.env['LIBRARY_BENCH_DB']) rmSync(join(dbFile, '..'), { recursive: true, force: true });
console.log(`BENCH library items=${items} search_p95_ms=${fmt(p95(search.times))} page_p95_ms=${fmt(p95(pages.times))}`);
