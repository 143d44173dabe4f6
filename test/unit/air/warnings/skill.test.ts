import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { iaqi24h, PM10_24H, PM25_24H } from '../../../../src/air/warnings/skill.ts';

describe('skill study: minimal local IAQI (HJ 633-2012, 24-h PM breakpoints)', () => {
  it('hits the breakpoints exactly and rounds up in between', () => {
    const pm25: [number, number][] = [[0, 0], [35, 50], [35.1, 51], [75, 100], [115, 150], [150, 200], [150.1, 201], [250, 300], [350, 400], [500, 500], [900, 500]];
    for (const [c, i] of pm25) assert.equal(iaqi24h(PM25_24H, c), i, `PM2.5 ${c}`);
    const pm10: [number, number][] = [[50, 50], [150, 100], [151, 101], [350, 200], [420, 300], [600, 500]];
    for (const [c, i] of pm10) assert.equal(iaqi24h(PM10_24H, c), i, `PM10 ${c}`);
  });
});
