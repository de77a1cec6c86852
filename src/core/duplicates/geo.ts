/** Distances on the ground, for "nearby" cases; earthdistance is not needed at these scales. */

const EARTH_RADIUS_METRES = 6_371_008.8;
const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

export const haversineMetres = (a: { lat: number; lng: number }, b: { lat: number; lng: number }): number => {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
};

/** A box that contains every point within `metres` of the centre: the index finds these, haversine decides. */
export const boundingBox = (centre: { lat: number; lng: number }, metres: number): { minLat: number; maxLat: number; minLng: number; maxLng: number } => {
  const dLat = (metres / EARTH_RADIUS_METRES) * (180 / Math.PI);
  // Near the poles a degree of longitude shrinks to nothing; cap the box at the whole circle.
  const cosLat = Math.max(0.01, Math.cos(toRadians(centre.lat)));
  const dLng = Math.min(180, dLat / cosLat);
  return { minLat: centre.lat - dLat, maxLat: centre.lat + dLat, minLng: centre.lng - dLng, maxLng: centre.lng + dLng };
};

export const EARTH_RADIUS = EARTH_RADIUS_METRES;
