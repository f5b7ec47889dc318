/* rb-format.h — how the app words run facts (pure functions, testable)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Local time, relative when recent: "Just now", "5 minutes ago",
 * "Today 09:12", "Yesterday 14:02", else "2025-10-01 14:02".
 * @now: the current local time (pass NULL for the real clock).
 * "Unknown" for 0. */
char       *rb_format_created        (gint64       created_unix,
                                      GDateTime   *now);
/* An ISO-8601 UTC timestamp as absolute local time; NULL if unparsable. */
char       *rb_format_timestamp      (const char  *iso_utc);
/* run_20251001T120000Z_abcd1234 → "abcd1234"; other long ids are cut. */
char       *rb_format_short_run_id   (const char  *run_id);
/* "Simulation", "Telemetry", or the mode as stored. */
const char *rb_format_mode           (const char  *mode);
/* "288 bins × 5 min" */
char       *rb_format_grid           (guint        bins,
                                      guint        bin_size,
                                      const char  *bin_unit);
/* A parameter value as a person reads it: strings bare, the rest JSON. */
char       *rb_format_json_value     (JsonNode    *node);

G_END_DECLS
