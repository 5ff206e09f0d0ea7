import { describe, expect, it } from 'vitest';
import { checkPublicUrl, isLoopbackBaseUrl, isPublicHttpUrl } from '@shared/url';
import { formatIssue, OPERATIONS, validateParams } from '@shared/catalog';

describe('is this a public http(s) URL', () => {
  it.each([
    ['https://cdn.example.com/clip.mp4', null],
    ['http://93.184.216.34/a.mp4', null],
    ['https://[2606:2800:220:1:248:1893:25c8:1946]/a.mp4', null],
    ['ftp://cdn.example.com/clip.mp4', 'not_http'],
    ['not a url', 'not_url'],
    ['https://user:pw@cdn.example.com/a.mp4', 'credentials'],
    ['http://127.0.0.1:8080/a.mp4', 'loopback'],
    ['http://localhost/a.mp4', 'loopback'],
    ['http://media.localhost/a.mp4', 'loopback'],
    ['http://[::1]/a.mp4', 'loopback'],
    ['http://[::ffff:127.0.0.1]/a.mp4', 'loopback'],
    ['http://10.1.2.3/a.mp4', 'private'],
    ['http://172.20.0.1/a.mp4', 'private'],
    ['http://192.168.1.20/a.mp4', 'private'],
    ['http://[fd12::1]/a.mp4', 'private'],
    ['http://169.254.169.254/latest', 'link_local'],
    ['http://[fe80::1]/a.mp4', 'link_local'],
    ['http://nas.local/a.mp4', 'local_name'],
    ['http://nas/a.mp4', 'local_name'],
    ['http://0.0.0.0/a.mp4', 'unspecified'],
  ] as const)('%s → %s', (url, problem) => {
    const check = checkPublicUrl(url);
    expect(check.ok ? null : check.problem).toBe(problem);
  });

  it('says what is wrong and what to give instead', () => {
    expect(checkPublicUrl('http://192.168.1.20/a.mp4', 'config.sourceVideo')).toMatchObject({
      ok: false,
      message: 'config.sourceVideo points at a private network address, which the vendor cannot reach; give a public http(s) link.',
    });
  });

  it('accepts loopback only when the vendor is the sandbox on this computer', () => {
    expect(isPublicHttpUrl('http://127.0.0.1:41234/sandbox-media/x.mp4')).toBe(false);
    expect(isPublicHttpUrl('http://127.0.0.1:41234/sandbox-media/x.mp4', { allowLoopback: true })).toBe(true);
    expect(isPublicHttpUrl('http://10.0.0.1/x.mp4', { allowLoopback: true })).toBe(false);
  });

  it('knows a vendor configured on this computer (the sandbox) from a real one', () => {
    expect(isLoopbackBaseUrl('http://127.0.0.1:41234/v1/ai')).toBe(true);
    expect(isLoopbackBaseUrl('http://localhost:8080')).toBe(true);
    expect(isLoopbackBaseUrl('https://genaiapi.cloudsway.net/v1/ai')).toBe(false);
    expect(isLoopbackBaseUrl('not a url')).toBe(false);
  });

  it('guards every URL field a vendor fetches: sourceImage, sourceVideo, video_name', () => {
    const refused = (operation: Parameters<typeof validateParams>[0], params: Record<string, unknown>) => {
      const result = validateParams(operation, params);
      return result.ok ? [] : result.issues.map((i) => `${i.path}: ${formatIssue(OPERATIONS[operation], i, 'en')}`);
    };
    expect(refused('haiper.generate', { prompt: 'x', config: { sourceImage: 'http://localhost/i.png' } })).toEqual([
      'config.sourceImage: Source image points at this computer (a loopback address), which the vendor cannot reach; give a public http(s) link.',
    ]);
    const [issue] = (() => {
      const result = validateParams('haiper.generate', { prompt: 'x', config: { sourceImage: 'http://192.168.1.2/i.png' } });
      return result.ok ? [] : result.issues;
    })();
    expect(issue).toMatchObject({ code: 'not_public_url', params: { problem: 'private' } });
    expect(formatIssue(OPERATIONS['haiper.generate'], issue ?? { path: '', code: 'required' }, 'zh-CN')).toBe('源图像指向私有网络地址，服务商无法访问；请填写可公开访问的 http(s) 链接。');
    expect(refused('haiper.upscale', { config: { sourceVideo: 'http://169.254.1.1/v.mp4' } })[0]).toMatch(/link-local/);
    expect(refused('hidream.video_stylize', { style: 'anime', video_name: 'http://nas.local/v.mp4' })[0]).toMatch(/local network/);
    expect(refused('haiper.upscale', { config: { sourceVideo: 'https://cdn.example.com/v.mp4' } })).toEqual([]);
  });
});
