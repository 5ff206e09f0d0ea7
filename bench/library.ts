/**
 * `npm run bench:library`: a fresh database with a million library items, then full-text searches and
 * filtered, sorted pages of 200 through the real store: first a random mix (search_p95_ms, page_p95_ms,
 * measured as they always were), then each class of query on its own: text search with every sort for
 * common and rare English and Chinese words, with each filter (sorted_search_p95_ms); those searches
 * paged 25 pages deep (deep_page_p95_ms); first pages with a match count (count_p95_ms); prefixes
 * typed letter by letter (prefix_p95_ms). A per-class table goes to stderr. Last line:
 * `BENCH library items=<n> search_p95_ms=… page_p95_ms=… sorted_search_p95_ms=… deep_page_p95_ms=…
 * count_p95_ms=… max_ms=… prefix_p95_ms=… rss_mb=…` (max over every query measured; rss with the
 * library open).
 *
 * LIBRARY_BENCH_ITEMS changes the size; LIBRARY_BENCH_DB reuses (or keeps) a database file;
 * LIBRARY_BENCH_REPEAT sets how many queries each combination gets (default 2).
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
const counts: { ms: number; q: LibraryQuery }[] = [];
for (let i = 0; i < 100; i++) {
  const q: LibraryQuery = { ...(random() < 0.5 ? { text: searchText() } : {}), ...filters(), limit: 200, withTotal: true };
  const started = clock();
  store.search(q);
  counts.push({ ms: clock() - started, q });
}

const report = (name: string, r: ReturnType<typeof run>): void => {
  console.log(`${name}: ${r.times.length} queries, ${r.results} results, p50 ${fmt(percentile(r.times, 0.5))} ms, p95 ${fmt(p95(r.times))} ms, max ${fmt(Math.max(...r.times))} ms`);
  for (const s of r.slow.sort((a, b) => b.ms - a.ms).slice(0, 8)) console.log(`  slow ${fmt(s.ms)} ms ${JSON.stringify(s.q)}`);
};
report('search', search);
report('page', pages);
console.log(`first page with a match count (capped at 10,000): p95 ${fmt(p95(counts.map((c) => c.ms)))} ms`);

// ------------------------------------------------------------------ one class of query at a time
// Every text search a user can make, each combination measured on its own: the runs above mix them,
// so a slow combination (a common word sorted by title, say) hides under a fast majority.

/** Common words head the generator's skewed lists; rare ones end them (each still matches some items). */
const WORD_CLASSES: Record<string, readonly string[]> = {
  'en common': [...LOOKS.slice(0, 3), ...NOUNS.slice(0, 3), ...PLACES.slice(0, 3)],
  'en rare': [...NOUNS.slice(-6), ...PLACES.slice(-6), ...ACTIONS.slice(-4)],
  'zh common': [...ZH_PLACES.slice(0, 4), ...ZH_NOUNS.slice(0, 3), ...ZH_STYLE.slice(0, 3)],
  'zh rare': [...ZH_PLACES.slice(-12, -2), ...ZH_STYLE.slice(-4)],
};
type FilterName = 'none' | 'kind' | 'vendor' | 'operation' | 'tag' | 'favourite' | 'date range';
const FILTER_NAMES: FilterName[] = ['none', 'kind', 'vendor', 'operation', 'tag', 'favourite', 'date range'];
function filterOf(name: FilterName): LibraryQuery {
  switch (name) {
    case 'none':
      return {};
    case 'kind':
      return { kind: pick(['video', 'image'] as const) };
    case 'vendor':
      return { vendor: pick(['hidream', 'haiper'] as const) };
    case 'operation':
      return { operation: pick(OPS) };
    case 'tag':
      return { tag: pickSkewedTag(TAGS) };
    case 'favourite':
      return { favourite: true };
    case 'date range': {
      const span = pick([7, 30, 90, 365]) * 24 * 3600_000;
      const from = bounds.lo + Math.floor(random() * Math.max(1, bounds.hi - bounds.lo - span));
      return { from, to: from + span };
    }
  }
}

interface Sample {
  ms: number;
  n: number;
  q: LibraryQuery;
  /** Where the sample goes in the breakdown table: sort and word class. */
  sort: LibrarySort;
  words: string;
}
const classes = new Map<string, Sample[]>();
const record = (name: string, sample: Sample): void => {
  const list = classes.get(name) ?? [];
  list.push(sample);
  classes.set(name, list);
};
const PER_COMBINATION = Number(process.env['LIBRARY_BENCH_REPEAT'] ?? 2);
const DEEP_PAGES = 25;

for (const sort of SORTS) {
  for (const [words, list] of Object.entries(WORD_CLASSES)) {
    for (const filterName of FILTER_NAMES) {
      for (let r = 0; r < PER_COMBINATION; r++) {
        const q: LibraryQuery = { text: pick(list), ...filterOf(filterName), sort, limit: 200 };
        const first = time(q);
        record('sorted search', { ms: first.ms, n: first.n, q, sort, words });
        // Paging deep: one series per sort, word class and filter (the first repetition), pages 2..25.
        if (r > 0) continue;
        let cursor = first.next;
        for (let page = 2; page <= DEEP_PAGES && cursor; page++) {
          const next = time({ ...q, cursor });
          record('deep page', { ms: next.ms, n: next.n, q: { ...q, cursor: `(page ${page})` }, sort, words });
          cursor = next.next;
        }
      }
    }
  }
}

for (const [words, list] of [...Object.entries(WORD_CLASSES), ['no text', ['']] as const]) {
  for (const filterName of FILTER_NAMES) {
    for (let r = 0; r < PER_COMBINATION; r++) {
      const sort = pick(SORTS);
      const text = pick(list);
      const q: LibraryQuery = { ...(text ? { text } : {}), ...filterOf(filterName), sort, limit: 200, withTotal: true };
      const started = clock();
      const page = store.search(q);
      record('count', { ms: clock() - started, n: page.total?.count ?? 0, q, sort, words });
    }
  }
}
// The earlier random first pages with a count belong to the same class.
for (const { ms, q } of counts) record('count', { ms, n: 0, q, sort: 'newest', words: 'mixed' });

/** Typing a word letter by letter, from the second letter: each prefix is one search as the grid refreshes. */
const TYPED = ['astronaut', 'robot', 'lighthouse', 'dragon', 'cinematic', '赛博朋克', '宇航员'];
for (const word of TYPED) {
  const letters = Array.from(word);
  for (let length = 2; length <= letters.length; length++) {
    for (const filterName of ['none', pick(FILTER_NAMES)] as const) {
      const q: LibraryQuery = { text: letters.slice(0, length).join(''), ...filterOf(filterName), sort: 'newest', limit: 200 };
      const result = time(q);
      record(length === 2 ? 'prefix (2 letters)' : 'prefix', { ms: result.ms, n: result.n, q, sort: 'newest', words: word });
    }
  }
}

const stats = (list: readonly Sample[]): { p50: number; p95: number; max: number } => {
  const times = list.map((s) => s.ms);
  return { p50: percentile(times, 0.5), p95: p95(times), max: Math.max(0, ...times) };
};
const pad = (text: string, width: number): string => text.padEnd(width);
const num = (value: number, width = 9): string => fmt(value).padStart(width);

const err = (line: string): void => void process.stderr.write(`${line}\n`);
err('');
err(`${pad('class', 20)}${'queries'.padStart(8)}${'results'.padStart(9)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'max ms'.padStart(9)}`);
for (const [name, list] of classes) {
  const s = stats(list);
  const results = list.reduce((sum, x) => sum + x.n, 0);
  err(`${pad(name, 20)}${String(list.length).padStart(8)}${String(results).padStart(9)}${num(s.p50)}${num(s.p95)}${num(s.max)}`);
}
for (const name of ['sorted search', 'deep page']) {
  const list = classes.get(name) ?? [];
  err('');
  err(`${name}, p95 ms by sort and words:`);
  err(`${pad('', 12)}${Object.keys(WORD_CLASSES).map((w) => w.padStart(11)).join('')}`);
  for (const sort of SORTS) {
    const cells = Object.keys(WORD_CLASSES).map((w) => {
      const some = list.filter((x) => x.sort === sort && x.words === w);
      // A rare word may have no second page: nothing measured is not 0 ms.
      return some.length ? num(stats(some).p95, 11) : '—'.padStart(11);
    });
    err(`${pad(sort, 12)}${cells.join('')}`);
  }
}
err('');
err('slowest of each class:');
for (const [name, list] of classes) {
  for (const s of [...list].sort((a, b) => b.ms - a.ms).slice(0, 3)) err(`  ${pad(name, 20)}${num(s.ms)} ms ${JSON.stringify(s.q)}`);
}
const twoLetters = (classes.get('prefix (2 letters)') ?? []).filter((s) => /^[a-z]/.test(s.words));
err(`2-letter Latin prefixes (${[...new Set(twoLetters.map((s) => s.q.text))].join(', ')}) with results: ${twoLetters.filter((s) => s.n > 0).length} of ${twoLetters.length}`);

// The library open, every query above run once: what the process holds (the mapped database file's
// pages it has touched count too, as they do in the app's main process).
const memory = process.memoryUsage();
const rssMb = memory.rss / 1024 / 1024;
err(`memory: rss ${rssMb.toFixed(0)} MB, js heap ${(memory.heapUsed / 1024 / 1024).toFixed(0)} MB, peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (peak includes building)`);

if (!process.env['LIBRARY_BENCH_DB']) rmSync(join(dbFile, '..'), { recursive: true, force: true });
const all = [search.times, pages.times, ...[...classes.values()].map((list) => list.map((s) => s.ms))].flat();
const prefixes = [...(classes.get('prefix (2 letters)') ?? []), ...(classes.get('prefix') ?? [])];
console.log(
  `BENCH library items=${items} search_p95_ms=${fmt(p95(search.times))} page_p95_ms=${fmt(p95(pages.times))}` +
    ` sorted_search_p95_ms=${fmt(stats(classes.get('sorted search') ?? []).p95)} deep_page_p95_ms=${fmt(stats(classes.get('deep page') ?? []).p95)}` +
    ` count_p95_ms=${fmt(stats(classes.get('count') ?? []).p95)} max_ms=${fmt(Math.max(...all))}` +
    ` prefix_p95_ms=${fmt(stats(prefixes).p95)} rss_mb=${rssMb.toFixed(0)}`,
);
