/**
 * Validation notices of the GTFS reader, in the style of the MobilityData GTFS validator
 * (https://github.com/MobilityData/gtfs-validator, RULES.md): same codes and severities wherever that
 * validator has the rule; a few codes are this project's own (marked "project").
 * ERROR rejects the feed (`readFeed` returns `feed: null`), WARNING and INFO import.
 *
 * | code                                                  | severity | source      | raised when                                                                  |
 * |-------------------------------------------------------|----------|-------------|------------------------------------------------------------------------------|
 * | source_not_found                                      | ERROR    | project     | the path does not exist or cannot be read (MobilityData: i_o_error)          |
 * | invalid_zip                                           | ERROR    | project     | a file that is not a readable zip archive, or a corrupt/unsupported entry    |
 * | not_a_gtfs_feed                                       | ERROR    | project     | zip or folder without a single GTFS .txt file at its top level               |
 * | invalid_input_files_in_subfolder                      | ERROR    | MobilityData| GTFS files inside a sub-folder of the zip or folder                          |
 * | invalid_feed_id                                       | ERROR    | project     | feed id not matching ^[A-Za-z0-9_-]{1,40}$                                   |
 * | runtime_exception_in_loader_error                     | ERROR    | MobilityData| an unexpected failure of the reader itself (a bug; never thrown to callers)  |
 * | missing_required_file                                 | ERROR    | MobilityData| agency, stops, routes, trips or stop_times.txt absent                       |
 * | missing_calendar_and_calendar_date_files              | ERROR    | MobilityData| neither calendar.txt nor calendar_dates.txt (brief: "calendar OR calendar_dates") |
 * | empty_file                                            | ERROR    | MobilityData| no header line, or a required file without data rows                         |
 * | invalid_utf8                                          | ERROR    | project     | a line that is not valid UTF-8 (GTFS files must be UTF-8)                    |
 * | csv_parsing_failed                                    | ERROR    | MobilityData| unterminated quote, text after a closing quote, record over 1 MB             |
 * | missing_required_column                               | ERROR    | MobilityData| a required column is absent from the header                                  |
 * | duplicated_column                                     | ERROR    | MobilityData| the same column twice in a header                                            |
 * | empty_column_name                                     | ERROR    | MobilityData| an empty name in a header                                                    |
 * | invalid_row_length                                    | ERROR    | MobilityData| a row with more or fewer fields than the header (row skipped)                |
 * | new_line_in_value                                     | ERROR    | MobilityData| CR or LF inside a (quoted) value of a GTFS file the reader models            |
 * | missing_required_field                                | ERROR    | MobilityData| a required (or conditionally required) value is empty                        |
 * | duplicate_key                                         | ERROR    | MobilityData| repeated primary key, incl. (trip_id, stop_sequence) — brief: "duplicate stop_sequence" |
 * | foreign_key_violation                                 | ERROR    | MobilityData| unknown agency/stop/parent/route/trip/service/shape reference                |
 * | invalid_integer / invalid_float                       | ERROR    | MobilityData| value is not a number of that kind                                           |
 * | invalid_time                                          | ERROR    | MobilityData| not H:MM:SS / HH:MM:SS (hours may exceed 24)                                 |
 * | invalid_date                                          | ERROR    | MobilityData| not a real YYYYMMDD date                                                     |
 * | invalid_color                                         | ERROR    | MobilityData| route_color / route_text_color not 6 hex digits                              |
 * | invalid_timezone                                      | ERROR    | MobilityData| agency_timezone unknown to the runtime's IANA database                       |
 * | number_out_of_range                                   | ERROR    | MobilityData| lat/lon outside ±90/±180, negative stop_sequence, headway ≤ 0, …              |
 * | inconsistent_agency_timezone                          | ERROR    | MobilityData| agencies with different agency_timezone                                      |
 * | route_both_short_and_long_name_missing                | ERROR    | MobilityData| route without short and long name                                            |
 * | location_without_parent_station                       | ERROR    | MobilityData| entrance, generic node or boarding area without parent_station               |
 * | station_with_parent_station                           | ERROR    | MobilityData| a station (location_type 1) with parent_station                              |
 * | wrong_parent_location_type                            | ERROR    | MobilityData| parent of the wrong location_type (platform→station, boarding area→platform) |
 * | location_with_unexpected_stop_time                    | ERROR    | MobilityData| stop_times.stop_id names a station, entrance or node instead of a stop       |
 * | start_and_end_range_out_of_order                      | ERROR    | MobilityData| calendar start_date > end_date, frequency start_time > end_time, feed_info   |
 * | start_and_end_range_equal                             | ERROR    | MobilityData| frequency start_time = end_time                                              |
 * | overlapping_frequency                                 | ERROR    | MobilityData| two frequencies.txt periods of one trip overlap                              |
 * | stop_time_with_arrival_before_previous_departure_time | ERROR    | MobilityData| times decrease along a trip (brief: "decreasing times"; equal times are legal)|
 * | stop_time_with_departure_before_arrival_time          | ERROR    | MobilityData v2 | departure_time earlier than arrival_time at one stop                     |
 * | missing_trip_edge                                     | ERROR    | MobilityData| first or last stop of a trip without arrival and departure time              |
 * | stop_time_timepoint_without_times                     | ERROR    | MobilityData| timepoint = 1 without times                                                  |
 * | decreasing_or_equal_stop_time_distance                | ERROR    | MobilityData| stop_times.shape_dist_traveled not increasing along a trip                   |
 * | decreasing_shape_distance                             | ERROR    | MobilityData| shapes.shape_dist_traveled decreasing along a shape                          |
 * | transfer_with_invalid_stop_location_type              | ERROR    | MobilityData| transfer from/to a location that is neither a stop nor a station             |
 * | transfer_with_invalid_trip_and_route                  | ERROR    | MobilityData| transfer trip does not belong to the transfer's route                        |
 * | transfer_with_invalid_trip_and_stop                   | ERROR    | MobilityData| transfer trip does not call at the transfer's stop (or a child of the station) |
 * | leading_or_trailing_whitespaces                       | WARNING  | MobilityData| value with surrounding spaces (imported trimmed)                             |
 * | empty_row                                             | WARNING  | MobilityData| a row whose fields are all empty or blank (skipped)                          |
 * | unexpected_enum_value                                 | WARNING  | MobilityData| enum value outside the spec: read as the field's default (location_type 0, pickup_type 0, …); route_type is kept as it is; a calendar_dates or transfers row with an unknown exception_type / transfer_type is dropped (brief: "number_out_of_range (enums)") |
 * | stop_time_with_only_arrival_or_departure_time         | WARNING  | MobilityData: ERROR | one of arrival/departure empty: the other is copied (the brief asks to import these rows) |
 * | unusable_trip                                         | WARNING  | MobilityData| trip with fewer than two stop_times (brief: "trip_with_fewer_than_two_stops")|
 * | unused_trip                                           | WARNING  | MobilityData| trip without stop_times                                                      |
 * | unused_shape                                          | WARNING  | MobilityData| shape no trip uses                                                           |
 * | stop_without_stop_time                                | WARNING  | MobilityData| stop (location_type 0) no stop_time uses (brief: "unused stop")             |
 * | unused_route                                          | WARNING  | project     | route without trips (like unused_trip)                                       |
 * | more_than_one_entity                                  | WARNING  | MobilityData| feed_info.txt with more than one row (the first is used)                     |
 * | unused_station                                        | INFO     | MobilityData| station none of whose stops is used by a stop_time                           |
 * | unknown_column                                        | INFO     | MobilityData| a column the spec does not define (ignored)                                  |
 * | unknown_file                                          | INFO     | MobilityData| a file the spec does not define (kept verbatim in extraFiles when .txt)      |
 */
import type { Notice, Severity, ValidationReport } from './feed.ts';

export const NOTICE_SEVERITY = {
  source_not_found: 'error',
  invalid_zip: 'error',
  not_a_gtfs_feed: 'error',
  invalid_input_files_in_subfolder: 'error',
  invalid_feed_id: 'error',
  runtime_exception_in_loader_error: 'error',
  missing_required_file: 'error',
  missing_calendar_and_calendar_date_files: 'error',
  empty_file: 'error',
  invalid_utf8: 'error',
  csv_parsing_failed: 'error',
  missing_required_column: 'error',
  duplicated_column: 'error',
  empty_column_name: 'error',
  invalid_row_length: 'error',
  new_line_in_value: 'error',
  missing_required_field: 'error',
  duplicate_key: 'error',
  foreign_key_violation: 'error',
  invalid_integer: 'error',
  invalid_float: 'error',
  invalid_time: 'error',
  invalid_date: 'error',
  invalid_color: 'error',
  invalid_timezone: 'error',
  number_out_of_range: 'error',
  inconsistent_agency_timezone: 'error',
  route_both_short_and_long_name_missing: 'error',
  location_without_parent_station: 'error',
  station_with_parent_station: 'error',
  wrong_parent_location_type: 'error',
  location_with_unexpected_stop_time: 'error',
  start_and_end_range_out_of_order: 'error',
  start_and_end_range_equal: 'error',
  overlapping_frequency: 'error',
  stop_time_with_arrival_before_previous_departure_time: 'error',
  stop_time_with_departure_before_arrival_time: 'error',
  missing_trip_edge: 'error',
  stop_time_timepoint_without_times: 'error',
  decreasing_or_equal_stop_time_distance: 'error',
  decreasing_shape_distance: 'error',
  transfer_with_invalid_stop_location_type: 'error',
  transfer_with_invalid_trip_and_route: 'error',
  transfer_with_invalid_trip_and_stop: 'error',
  leading_or_trailing_whitespaces: 'warning',
  empty_row: 'warning',
  unexpected_enum_value: 'warning',
  stop_time_with_only_arrival_or_departure_time: 'warning',
  unusable_trip: 'warning',
  unused_trip: 'warning',
  unused_shape: 'warning',
  stop_without_stop_time: 'warning',
  unused_route: 'warning',
  more_than_one_entity: 'warning',
  unused_station: 'info',
  unknown_column: 'info',
  unknown_file: 'info',
} as const satisfies Record<string, Severity>;

export type NoticeCode = keyof typeof NOTICE_SEVERITY;

const MAX_VALUE_CHARS = 200;
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Collects notices: keeps the first `maxNotices` in full and counts every one. */
export class NoticeSink {
  readonly notices: Notice[] = [];
  private readonly counts = new Map<NoticeCode, number>();
  errors = 0;
  warnings = 0;

  constructor(private readonly maxNotices = 1000) {}

  add(code: NoticeCode, file: string | null, line: number | null, field: string | null, value: string | null, message: string): void {
    const severity = NOTICE_SEVERITY[code];
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    if (severity === 'error') this.errors++;
    else if (severity === 'warning') this.warnings++;
    if (this.notices.length < this.maxNotices) {
      const v = value !== null && value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
      this.notices.push({ code, severity, file, line, field, value: v, message });
    }
  }

  count(code: NoticeCode): number {
    return this.counts.get(code) ?? 0;
  }

  report(feedId: string): ValidationReport {
    const counts = [...this.counts]
      .map(([code, count]) => ({ code, severity: NOTICE_SEVERITY[code] as Severity, count }))
      .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.code.localeCompare(b.code));
    return { feedId, notices: this.notices, counts, errors: this.errors, warnings: this.warnings };
  }
}
