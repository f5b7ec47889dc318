/* rb-data-dir.h — which data folder to use, and its change stamp
 *
 * Order: --data-dir › RUNBOARD_DATA_DIR › GSettings data-directory (only
 * when the schema is installed) › $XDG_DATA_HOME/runboard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns an absolute path (not necessarily existing). */
char     *rb_data_dir_resolve      (const char  *option_value);
/* Creates <data>/runs, <data>/telemetry, <data>/templates, <data>/.runboard. */
gboolean  rb_data_dir_ensure       (const char  *data_dir,
                                    GError     **error);
/* Rewrites <data>/.runboard/stamp atomically with a new unique value. */
gboolean  rb_data_dir_touch_stamp  (const char  *data_dir,
                                    GError     **error);
/* Contents of the stamp ("" when absent). */
char     *rb_data_dir_read_stamp   (const char  *data_dir);

G_END_DECLS
