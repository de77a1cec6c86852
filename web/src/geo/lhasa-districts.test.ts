import { describe, expect, it } from 'vitest';
import { DEMO_UNITS } from '../../../src/seed/demo-organisation';
import {
  DISTRICT_FEATURE_BY_UNIT_CODE,
  LHASA_DISTRICTS,
  districtFeatureOfName,
  districtFeatureOfUnit,
} from './lhasa-districts';

describe('Lhasa district map', () => {
  it('is a valid GeoJSON FeatureCollection of closed polygons inside Lhasa', () => {
    expect(LHASA_DISTRICTS.type).toBe('FeatureCollection');
    expect(LHASA_DISTRICTS.features).toHaveLength(8);
    for (const f of LHASA_DISTRICTS.features) {
      const ring = f.geometry.coordinates[0] ?? [];
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const [lon, lat] of ring) {
        expect(lon).toBeGreaterThan(89);
        expect(lon).toBeLessThan(93);
        expect(lat).toBeGreaterThan(29);
        expect(lat).toBeLessThan(31.5);
      }
      expect(f.properties.adcode).toMatch(/^5401\d\d$/);
      expect(f.properties.names.bo).toMatch(/[\u0F00-\u0FFF]/);
    }
    expect(new Set(LHASA_DISTRICTS.features.map((f) => f.properties.name)).size).toBe(8);
  });

  it('maps every district unit of the demo organisation to a feature', () => {
    const districts = DEMO_UNITS.filter((u) => u.type === 'district' && u.parent === 'lhasa');
    expect(districts.map((u) => u.code).sort()).toEqual(['chengguan', 'doilungdeqen']);
    for (const u of districts) {
      const f = districtFeatureOfUnit(u.code);
      expect(f?.properties.names['zh-Hans']).toBe(u.name['zh-Hans']);
      expect(f?.properties.names.bo).toBe(u.name.bo);
    }
    for (const name of Object.values(DISTRICT_FEATURE_BY_UNIT_CODE))
      expect(LHASA_DISTRICTS.features.some((f) => f.properties.name === name)).toBe(true);
    expect(districtFeatureOfUnit('hrss')).toBeUndefined();
  });

  it('finds a district from an address\'s district name in any language', () => {
    expect(districtFeatureOfName('城关区')?.properties.adcode).toBe('540102');
    expect(districtFeatureOfName('城关')?.properties.adcode).toBe('540102');
    expect(districtFeatureOfName('ཁྲིན་ཀོན་ཆུས')?.properties.adcode).toBe('540102');
    expect(districtFeatureOfName('Doilungdêqên District')?.properties.adcode).toBe('540103');
    expect(districtFeatureOfName('朝阳区')).toBeUndefined();
    expect(districtFeatureOfName('')).toBeUndefined();
  });
});
