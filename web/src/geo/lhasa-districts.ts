// Districts and counties of Lhasa (拉萨市) as a SCHEMATIC GeoJSON for dashboard heat maps.
//
// SOURCE AND LICENCE: drawn by hand for Bihuan (same licence as the rest of the repository). The polygons
// are a simplified sketch: every district is placed around its published seat/centre coordinates and shares
// its edges exactly with its neighbours, in roughly the right arrangement (Damxung north, Nyêmo west, Qüxü
// south-west, Chengguan in the middle, Maizhokunggar east), but the borders are NOT survey data and must not be
// used to locate anything. The administrative division codes (GB/T 2260, 5401xx) and names are public facts.
// No third-party boundary data was copied. To show real borders, replace the coordinates with an
// authoritative, openly licensed source (e.g. the national standard map service) and keep the `name`
// properties, which are what the mapping below and the charts match on.

/** A district's names in the three UI languages. */
export interface DistrictNames {
  'zh-Hans': string;
  bo: string;
  en: string;
}

export interface DistrictProperties {
  /** The feature name ECharts matches data on (Chinese name, unique). */
  name: string;
  /** Administrative division code (GB/T 2260). */
  adcode: string;
  names: DistrictNames;
  /** Approximate centre [longitude, latitude], for labels. */
  center: [number, number];
}

export interface DistrictFeature {
  type: 'Feature';
  id: string;
  properties: DistrictProperties;
  geometry: { type: 'Polygon'; coordinates: [number, number][][] };
}

export interface DistrictCollection {
  type: 'FeatureCollection';
  features: DistrictFeature[];
}

/** The map name to register with ECharts (`echarts.registerMap(LHASA_MAP_NAME, LHASA_DISTRICTS)`). */
export const LHASA_MAP_NAME = 'bihuan-lhasa';

const feature = (
  adcode: string,
  names: DistrictNames,
  center: [number, number],
  ring: [number, number][],
): DistrictFeature => ({
  type: 'Feature',
  id: adcode,
  properties: { name: names['zh-Hans'], adcode, names, center },
  // Close the ring as GeoJSON requires.
  geometry: { type: 'Polygon', coordinates: [[...ring, ring[0] as [number, number]]] },
});

/** Schematic boundaries (see the note at the top of this file). Shared vertices are identical on both sides. */
export const LHASA_DISTRICTS: DistrictCollection = {
  type: 'FeatureCollection',
  features: [
    feature('540102', { 'zh-Hans': '城关区', bo: 'ཁྲིན་ཀོན་ཆུས།', en: 'Chengguan District' }, [91.14, 29.65], [
      [91.05, 29.55], [91.1, 29.45], [91.45, 29.5], [91.3, 29.6], [91.3, 29.72], [91.05, 29.72], [91.05, 29.62],
    ]),
    feature('540103', { 'zh-Hans': '堆龙德庆区', bo: 'སྟོད་ལུང་བདེ་ཆེན་ཆུས།', en: 'Doilungdêqên District' }, [90.8, 29.8], [
      [90.5, 29.6], [90.8, 29.55], [91.05, 29.55], [91.05, 29.62], [91.05, 29.72], [90.95, 29.85], [90.95, 30.15],
      [90.5, 30.15],
    ]),
    feature('540104', { 'zh-Hans': '达孜区', bo: 'སྟག་རྩེ་ཆུས།', en: 'Dagzê District' }, [91.46, 29.68], [
      [91.3, 29.6], [91.45, 29.5], [91.6, 29.55], [91.6, 29.85], [91.4, 29.82], [91.3, 29.72],
    ]),
    feature('540121', { 'zh-Hans': '林周县', bo: 'ལྷུན་གྲུབ་རྫོང་།', en: 'Lhünzhub County' }, [91.27, 29.98], [
      [90.95, 29.85], [91.05, 29.72], [91.3, 29.72], [91.4, 29.82], [91.6, 29.85], [91.6, 30.2], [91.3, 30.2],
      [90.95, 30.15],
    ]),
    feature('540122', { 'zh-Hans': '当雄县', bo: 'འདམ་གཞུང་རྫོང་།', en: 'Damxung County' }, [91.1, 30.5], [
      [89.9, 30.2], [90.5, 30.15], [90.95, 30.15], [91.3, 30.2], [91.6, 30.2], [91.9, 30.15], [92.0, 30.5],
      [91.6, 30.9], [91.0, 30.95], [90.4, 30.7],
    ]),
    feature('540123', { 'zh-Hans': '尼木县', bo: 'སྙེ་མོ་རྫོང་།', en: 'Nyêmo County' }, [90.16, 29.7], [
      [89.9, 30.2], [89.7, 29.8], [89.8, 29.3], [90.1, 29.15], [90.45, 29.3], [90.5, 29.6], [90.5, 30.15],
    ]),
    feature('540124', { 'zh-Hans': '曲水县', bo: 'ཆུ་ཤུར་རྫོང་།', en: 'Qüxü County' }, [90.75, 29.4], [
      [90.45, 29.3], [90.7, 29.2], [91.0, 29.25], [91.1, 29.45], [91.05, 29.55], [90.8, 29.55], [90.5, 29.6],
    ]),
    feature('540127', { 'zh-Hans': '墨竹工卡县', bo: 'མལ་གྲོ་གུང་དཀར་རྫོང་།', en: 'Maizhokunggar County' }, [91.95, 29.8], [
      [91.6, 29.55], [91.8, 29.4], [92.3, 29.5], [92.5, 29.9], [92.2, 30.15], [91.9, 30.15], [91.6, 30.2],
      [91.6, 29.85],
    ]),
  ],
};

/**
 * Unit code (src/seed/demo-organisation.ts and the real organisation) -> feature `name`. Only district-level
 * units appear here; a unit not listed has no place on the map (departments, the union...).
 */
export const DISTRICT_FEATURE_BY_UNIT_CODE: Readonly<Record<string, string>> = {
  chengguan: '城关区',
  doilungdeqen: '堆龙德庆区',
  dagze: '达孜区',
  lhunzhub: '林周县',
  damxung: '当雄县',
  nyemo: '尼木县',
  quxu: '曲水县',
  maizhokunggar: '墨竹工卡县',
};

/** The feature of a unit code, if the unit is a district on the map. */
export const districtFeatureOfUnit = (unitCode: string): DistrictFeature | undefined => {
  const name = DISTRICT_FEATURE_BY_UNIT_CODE[unitCode];
  return name === undefined ? undefined : LHASA_DISTRICTS.features.find((f) => f.properties.name === name);
};

/**
 * The feature a free-text district name refers to (an address's district as the hotspots API gives it:
 * "城关区", "城关", "ཁྲིན་ཀོན་ཆུས", "Chengguan"...), or undefined.
 */
export const districtFeatureOfName = (district: string): DistrictFeature | undefined => {
  const wanted = normalise(district);
  if (wanted === '') return undefined;
  return LHASA_DISTRICTS.features.find((f) =>
    Object.values(f.properties.names).some((n) => {
      const name = normalise(n);
      return name === wanted || stripSuffix(name) === stripSuffix(wanted);
    }),
  );
};

const normalise = (s: string): string => s.trim().toLowerCase().replace(/[།་\s]+$/u, '');
const stripSuffix = (s: string): string =>
  s.replace(/(区|县|district|county|ཆུས|རྫོང)$/u, '').replace(/[་\s]+$/u, '').trim();
