// Bundled maps for charts (no tile server). Read-only for other modules.
export {
  DISTRICT_FEATURE_BY_UNIT_CODE,
  LHASA_DISTRICTS,
  LHASA_MAP_NAME,
  districtFeatureOfName,
  districtFeatureOfUnit,
  type DistrictCollection,
  type DistrictFeature,
  type DistrictNames,
  type DistrictProperties,
} from './lhasa-districts';
