import type { District } from './open-data.types.js';

const n = (zh: string, bo: string, en: string) => ({ 'zh-Hans': zh, bo, en });

/**
 * The districts and counties of Lhasa with an approximate centre, used to place a case on the public map
 * when it has no coordinates (or to coarsen it to its district). Codes match the district units of the demo
 * organisation (chengguan, doilungdeqen) and the keys of the web map.
 */
export const LHASA_DISTRICTS: readonly District[] = [
  { code: 'chengguan', name: n('城关区', 'ཁྲིན་ཀོན་ཆུས།', 'Chengguan'), aliases: ['城关区', '城关', 'ཁྲིན་ཀོན', 'Chengguan'], lat: 29.654, lng: 91.132 },
  { code: 'doilungdeqen', name: n('堆龙德庆区', 'སྟོད་ལུང་བདེ་ཆེན་ཆུས།', 'Doilungdêqên'), aliases: ['堆龙德庆', '堆龙', 'སྟོད་ལུང', 'Doilung'], lat: 29.646, lng: 91.003 },
  { code: 'dagze', name: n('达孜区', 'སྟག་རྩེ་ཆུས།', 'Dagzê'), aliases: ['达孜', 'སྟག་རྩེ', 'Dagze', 'Dagzê'], lat: 29.669, lng: 91.350 },
  { code: 'lhunzhub', name: n('林周县', 'ལྷུན་གྲུབ་རྫོང་།', 'Lhünzhub'), aliases: ['林周', 'ལྷུན་གྲུབ', 'Lhunzhub', 'Lhünzhub'], lat: 29.895, lng: 91.265 },
  { code: 'damxung', name: n('当雄县', 'འདམ་གཞུང་རྫོང་།', 'Damxung'), aliases: ['当雄', 'འདམ་གཞུང', 'Damxung'], lat: 30.474, lng: 91.101 },
  { code: 'nyemo', name: n('尼木县', 'སྙེ་མོ་རྫོང་།', 'Nyêmo'), aliases: ['尼木', 'སྙེ་མོ', 'Nyemo', 'Nyêmo'], lat: 29.431, lng: 90.165 },
  { code: 'quxu', name: n('曲水县', 'ཆུ་ཤུར་རྫོང་།', 'Qüxü'), aliases: ['曲水', 'ཆུ་ཤུར', 'Quxu', 'Qüxü'], lat: 29.353, lng: 90.738 },
  { code: 'maizhokunggar', name: n('墨竹工卡县', 'མལ་གྲོ་གུང་དཀར་རྫོང་།', 'Maizhokunggar'), aliases: ['墨竹工卡', 'མལ་གྲོ་གུང་དཀར', 'Maizhokunggar'], lat: 29.834, lng: 91.731 },
];

const distanceKm = (aLat: number, aLng: number, bLat: number, bLng: number): number => {
  const rad = Math.PI / 180;
  const x = (bLng - aLng) * rad * Math.cos(((aLat + bLat) / 2) * rad);
  const y = (bLat - aLat) * rad;
  return Math.sqrt(x * x + y * y) * 6371;
};

/** Beyond this distance from every district centre a point is not placed in any district. */
const MAX_DISTRICT_KM = 60;

/**
 * The district of a case: named in its address, else the district unit it was taken in or dispatched to,
 * else the nearest district centre to its coordinates; null when nothing says.
 */
export const districtOf = (input: { address: string | null; unitCodes: readonly string[]; lat: number | null; lng: number | null }, districts: readonly District[] = LHASA_DISTRICTS): string | null => {
  if (input.address) {
    const named = districts.find((d) => d.aliases.some((a) => input.address?.toLowerCase().includes(a.toLowerCase())));
    if (named) return named.code;
  }
  const byUnit = districts.find((d) => input.unitCodes.includes(d.code));
  if (byUnit) return byUnit.code;
  if (input.lat !== null && input.lng !== null && Number.isFinite(input.lat) && Number.isFinite(input.lng)) {
    let best: { code: string; km: number } | null = null;
    for (const d of districts) {
      const km = distanceKm(input.lat, input.lng, d.lat, d.lng);
      if (!best || km < best.km) best = { code: d.code, km };
    }
    if (best && best.km <= MAX_DISTRICT_KM) return best.code;
  }
  return null;
};

/**
 * A point snapped to the centre of its cell on a grid of about `metres` (latitude and longitude steps from
 * the metres at that latitude): enough for a neighbourhood map, never a door. Without coordinates, the
 * district centre stands in; without either, nothing.
 */
export const coarsenLocation = (
  input: { lat: number | null; lng: number | null; districtCode: string | null },
  metres: number,
  districts: readonly District[] = LHASA_DISTRICTS,
): { lat: number; lng: number } | null => {
  if (input.lat !== null && input.lng !== null && Number.isFinite(input.lat) && Number.isFinite(input.lng)) {
    const latStep = metres / 111_320;
    const lat = (Math.floor(input.lat / latStep) + 0.5) * latStep;
    // The longitude step is fixed per latitude band, so every point of a cell snaps to the same centre.
    const lngStep = metres / (111_320 * Math.cos((lat * Math.PI) / 180));
    const lng = (Math.floor(input.lng / lngStep) + 0.5) * lngStep;
    return { lat: Math.round(lat * 1e5) / 1e5, lng: Math.round(lng * 1e5) / 1e5 };
  }
  const district = districts.find((d) => d.code === input.districtCode);
  return district ? { lat: district.lat, lng: district.lng } : null;
};
