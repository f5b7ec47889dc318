/* fuzz-series-csv.c — libFuzzer target: the series CSV reader
 *
 * The input is a series file given to rb_series_parse_csv(); a series that
 * parses is written back with rb_series_to_csv() and read again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "rb-series.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbSeries) series = NULL;
  g_autoptr(RbSeries) again = NULL;
  g_autoptr(GBytes) csv = NULL;
  gsize length;
  const char *text;

  series = rb_series_parse_csv ((const char *) data, size, "series/fuzz.csv", &error);
  if (series == NULL)
    return 0;
  csv = rb_series_to_csv (series);
  text = g_bytes_get_data (csv, &length);
  again = rb_series_parse_csv (text, length, "series/fuzz.csv", NULL);
  g_assert_nonnull (again);
  g_assert_cmpuint (again->n_bins, ==, series->n_bins);
  return 0;
}
