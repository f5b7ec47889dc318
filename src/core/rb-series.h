/* rb-series.h — series values and the series CSV reader/writer
 *
 * Written: "bin_index,value\n0,12\n1,12.5\n" (LF, trailing LF, numbers
 * through rb_number_format, missing values as an empty field).
 * Read: optional BOM; headers "bin_index,value", "t,value" (2025-10 runs)
 * and "bin_index,classId,value" (DEFAULT rows are the totals); LF or CRLF;
 * empty field = missing; values through rb_number_parse.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _RbSeries RbSeries;

struct _RbSeries
{
  guint    n_bins;
  double  *values;   /* n_bins values; a missing bin holds NAN */
  guint8  *missing;  /* NULL when no bin is missing, else n_bins flags */
};

RbSeries *rb_series_new        (guint           n_bins);
RbSeries *rb_series_new_from   (const double   *values,
                                guint           n_bins);
void      rb_series_free       (RbSeries       *series);
gboolean  rb_series_is_missing (const RbSeries *series,
                                guint           bin);

/* Errors (RB_ERROR_INVALID_REQUEST) name @display_name and the line:
 * "series/a@A@DEFAULT.csv line 3: \"abc\" is not a number". */
RbSeries *rb_series_parse_csv  (const char     *data,
                                gsize           length,
                                const char     *display_name,
                                GError        **error);
RbSeries *rb_series_read_csv   (const char     *path,
                                const char     *display_name,
                                GError        **error);
GBytes   *rb_series_to_csv     (const RbSeries *series);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbSeries, rb_series_free)

G_END_DECLS
