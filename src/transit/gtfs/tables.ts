/** The GTFS Schedule files the reader knows: columns the reference defines and those it requires. */

export type FileSpec = {
  name: string;
  /** Required file (missing_required_file, and empty_file when it has no data rows). */
  required: boolean;
  requiredColumns: readonly string[];
  columns: readonly string[];
};

const spec = (name: string, required: boolean, requiredColumns: string[], optional: string[]): FileSpec => ({
  name,
  required,
  requiredColumns,
  columns: [...requiredColumns, ...optional],
});

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export { DAYS };

/** Files parsed into the model, in the order the reader parses them (so references resolve on the fly). */
export const MODELLED: readonly FileSpec[] = [
  spec('agency.txt', true, ['agency_name', 'agency_url', 'agency_timezone'], ['agency_id', 'agency_lang', 'agency_phone', 'agency_fare_url', 'agency_email', 'cemv_support']),
  spec(
    'stops.txt',
    true,
    ['stop_id'],
    ['stop_code', 'stop_name', 'tts_stop_name', 'stop_desc', 'stop_lat', 'stop_lon', 'zone_id', 'stop_url', 'location_type', 'parent_station', 'stop_timezone', 'wheelchair_boarding', 'level_id', 'platform_code', 'stop_access'],
  ),
  spec(
    'routes.txt',
    true,
    ['route_id', 'route_type'],
    ['agency_id', 'route_short_name', 'route_long_name', 'route_desc', 'route_url', 'route_color', 'route_text_color', 'route_sort_order', 'continuous_pickup', 'continuous_drop_off', 'network_id', 'cemv_support'],
  ),
  spec('calendar.txt', false, ['service_id', ...DAYS, 'start_date', 'end_date'], []),
  spec('calendar_dates.txt', false, ['service_id', 'date', 'exception_type'], []),
  spec('shapes.txt', false, ['shape_id', 'shape_pt_lat', 'shape_pt_lon', 'shape_pt_sequence'], ['shape_dist_traveled']),
  spec(
    'trips.txt',
    true,
    ['route_id', 'service_id', 'trip_id'],
    ['trip_headsign', 'trip_short_name', 'direction_id', 'block_id', 'shape_id', 'wheelchair_accessible', 'bikes_allowed', 'cars_allowed'],
  ),
  spec(
    'stop_times.txt',
    true,
    ['trip_id', 'stop_id', 'stop_sequence'],
    [
      'arrival_time',
      'departure_time',
      'location_group_id',
      'location_id',
      'stop_headsign',
      'start_pickup_drop_off_window',
      'end_pickup_drop_off_window',
      'pickup_type',
      'drop_off_type',
      'continuous_pickup',
      'continuous_drop_off',
      'shape_dist_traveled',
      'timepoint',
      'pickup_booking_rule_id',
      'drop_off_booking_rule_id',
    ],
  ),
  spec('frequencies.txt', false, ['trip_id', 'start_time', 'end_time', 'headway_secs'], ['exact_times']),
  spec('transfers.txt', false, ['transfer_type'], ['from_stop_id', 'to_stop_id', 'from_route_id', 'to_route_id', 'from_trip_id', 'to_trip_id', 'min_transfer_time']),
  spec(
    'feed_info.txt',
    false,
    ['feed_publisher_name', 'feed_publisher_url', 'feed_lang'],
    ['default_lang', 'feed_start_date', 'feed_end_date', 'feed_version', 'feed_contact_email', 'feed_contact_url'],
  ),
];

export const MODELLED_BY_NAME: ReadonlyMap<string, FileSpec> = new Map(MODELLED.map((s) => [s.name, s]));

/** Other files of the GTFS Schedule reference: kept verbatim in extraFiles without an unknown_file notice. */
export const OTHER_GTFS_FILES: ReadonlySet<string> = new Set([
  'fare_attributes.txt',
  'fare_rules.txt',
  'timeframes.txt',
  'rider_categories.txt',
  'fare_media.txt',
  'fare_products.txt',
  'fare_leg_rules.txt',
  'fare_leg_join_rules.txt',
  'fare_transfer_rules.txt',
  'areas.txt',
  'stop_areas.txt',
  'networks.txt',
  'route_networks.txt',
  'pathways.txt',
  'levels.txt',
  'location_groups.txt',
  'location_group_stops.txt',
  'booking_rules.txt',
  'translations.txt',
  'attributions.txt',
]);

export function isGtfsFileName(name: string): boolean {
  return MODELLED_BY_NAME.has(name) || OTHER_GTFS_FILES.has(name) || /^fare_[a-z_]+\.txt$/.test(name) || name === 'locations.geojson';
}

/**
 * Basic route types of the reference (0–7, 11, 12) and Google's extended types (100–1799). Mapping an
 * extended type to a mode is the engine's job (engine/modes.ts `basicMode`).
 */
export function isKnownRouteType(t: number): boolean {
  return (t >= 0 && t <= 7) || t === 11 || t === 12 || (t >= 100 && t <= 1799);
}
