import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pickLang, t } from '../../../src/platform/i18n.ts';
import { assertInScope, formatScope, parseScope, type Principal } from '../../../src/platform/auth.ts';
import { AppError } from '../../../src/platform/errors.ts';

describe('language choice', () => {
  it('defaults to Chinese and honours Accept-Language order and quality', () => {
    assert.equal(pickLang(undefined), 'zh');
    assert.equal(pickLang(''), 'zh');
    assert.equal(pickLang('en-US,en;q=0.9'), 'en');
    assert.equal(pickLang('zh-CN,zh;q=0.9,en;q=0.8'), 'zh');
    assert.equal(pickLang('fr-FR, en;q=0.5, zh;q=0.4'), 'en');
    assert.equal(pickLang('zh;q=0.2, en;q=0.8'), 'en');
    assert.equal(pickLang('de, fr'), 'zh');
    assert.equal(pickLang('en;q=0'), 'zh');
  });
  it('never throws on arbitrary headers', () => {
    fc.assert(fc.property(fc.string(), (h) => ['zh', 'en'].includes(pickLang(h))));
  });
  it('translates entity keys given as parameters', () => {
    assert.equal(t('en', 'error.notFound', { what: 'entity.goal', id: 'x' }), 'goal not found: x');
    assert.equal(t('zh', 'error.notFound', { what: 'entity.goal', id: 'x' }), '未找到目标：x');
  });
});

describe('token scopes', () => {
  it('parses and formats city and department scopes', () => {
    assert.deepEqual(parseScope('city:shijiazhuang'), { cityId: 'shijiazhuang', departmentId: null });
    assert.deepEqual(parseScope('city:beijing/dept:transport'), { cityId: 'beijing', departmentId: 'transport' });
    assert.deepEqual(parseScope('dept:ecology'), { cityId: null, departmentId: 'ecology' });
    assert.deepEqual(parseScope(''), { cityId: null, departmentId: null });
    for (const s of ['city:shijiazhuang', 'city:beijing/dept:transport', 'dept:ecology']) assert.equal(formatScope(parseScope(s)), s);
    for (const bad of ['province:hebei', 'city:', 'city:Bei Jing', 'dept:a/city:b']) assert.throws(() => parseScope(bad), AppError);
  });

  const editor = (cityId: string | null, departmentId: string | null): Principal => ({ tokenId: 't', label: null, role: 'editor', scope: { cityId, departmentId } });
  const status = (f: () => void) => {
    try {
      f();
      return 200;
    } catch (e) {
      return (e as AppError).status;
    }
  };
  it('editors write only inside their city and department; admins everywhere; viewers nowhere', () => {
    const sjzTransport = { cityId: 'shijiazhuang', departmentId: 'transport' };
    assert.equal(status(() => assertInScope(editor('shijiazhuang', null), sjzTransport, 'x')), 200);
    assert.equal(status(() => assertInScope(editor('shijiazhuang', 'transport'), sjzTransport, 'x')), 200);
    assert.equal(status(() => assertInScope(editor('beijing', null), sjzTransport, 'x')), 403);
    assert.equal(status(() => assertInScope(editor('shijiazhuang', 'ecology'), sjzTransport, 'x')), 403);
    assert.equal(status(() => assertInScope(editor(null, 'transport'), sjzTransport, 'x')), 200);
    assert.equal(status(() => assertInScope({ ...editor(null, null), role: 'admin' }, sjzTransport, 'x')), 200);
    assert.equal(status(() => assertInScope({ ...editor(null, null), role: 'viewer' }, sjzTransport, 'x')), 403);
  });
});
