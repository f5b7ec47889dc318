/* test-series.c — series CSV: exact bytes written, every accepted form read,
 * and the error for each kind of bad file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "rb-error.h"
#include "rb-series.h"
#include "rb-test-util.h"

#define NAME "series/a@A@DEFAULT.csv"

static RbSeries *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  RbSeries *series = rb_series_parse_csv (text, strlen (text), NAME, &error);

  g_assert_no_error (error);
  g_assert_nonnull (series);
  return series;
}

static void
assert_parse_error (const char *text,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbSeries) series = rb_series_parse_csv (text, strlen (text), NAME, &error);

  g_assert_null (series);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_write (void)
{
  static const double values[] = { 12, 12.5, 0.1, -0.0, 1e15, 1.5e-5, NAN, INFINITY, 7 };
  g_autoptr(RbSeries) series = rb_series_new_from (values, G_N_ELEMENTS (values));
  g_autoptr(RbSeries) empty = rb_series_new (0);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty_bytes = NULL;
  static const char expected[] =
    "bin_index,value\n"
    "0,12\n"
    "1,12.5\n"
    "2,0.1\n"
    "3,-0\n"
    "4,1E+15\n"
    "5,1.5E-05\n"
    "6,NaN\n"
    "7,Infinity\n"
    "8,\n";

  series->missing = g_new0 (guint8, series->n_bins);
  series->missing[8] = 1;
  series->values[8] = NAN;
  g_assert_true (rb_series_is_missing (series, 8));
  g_assert_false (rb_series_is_missing (series, 6));
  g_assert_true (rb_series_is_missing (series, 9));

  bytes = rb_series_to_csv (series);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));

  empty_bytes = rb_series_to_csv (empty);
  g_assert_cmpmem (g_bytes_get_data (empty_bytes, NULL), g_bytes_get_size (empty_bytes),
                   "bin_index,value\n", 16);
}

static void
test_round_trip (void)
{
  static const double values[] = { 0, 1, 2.5, 0.30000000000000004, -1e-7, 123456789012345680.0 };
  g_autoptr(RbSeries) series = rb_series_new_from (values, G_N_ELEMENTS (values));
  g_autoptr(GBytes) bytes = rb_series_to_csv (series);
  g_autoptr(RbSeries) back = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  back = rb_series_parse_csv (data, len, NAME, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_bins, ==, G_N_ELEMENTS (values));
  g_assert_null (back->missing);
  for (guint i = 0; i < back->n_bins; i++)
    g_assert_cmpfloat (back->values[i], ==, values[i]);
}

static void
test_read_forms (void)
{
  g_autoptr(RbSeries) plain = parse_ok ("bin_index,value\n0,12\n1,12.5\n");
  g_autoptr(RbSeries) old = parse_ok ("t,value\n0,1\n1,2\n2,3");
  g_autoptr(RbSeries) bom_crlf = parse_ok ("\xef\xbb\xbf" " BIN_INDEX , Value \r\n0,1\r\n1,2\r\n");
  g_autoptr(RbSeries) classes = parse_ok ("bin_index,classId,value\n"
                                          "0,DEFAULT,10\n0,gold,4\n0,silver,6\n"
                                          "1,DEFAULT,11\n1,gold,5\n");
  g_autoptr(RbSeries) no_class = parse_ok ("bin_index,classId,value\n0,,3\n1,gold,9\n1,,4\n");
  g_autoptr(RbSeries) missing = parse_ok ("bin_index,value\n0,\n1,NaN\n2,-Infinity\n3, 4 \n\n");
  g_autoptr(RbSeries) header_only = parse_ok ("bin_index,value\n");
  g_autoptr(RbSeries) strtod_forms = parse_ok ("bin_index,value\n0,1e3\n1,+2.50\n2,.5\n");

  g_assert_cmpuint (plain->n_bins, ==, 2);
  g_assert_cmpfloat (plain->values[1], ==, 12.5);
  g_assert_null (plain->missing);

  g_assert_cmpuint (old->n_bins, ==, 3);
  g_assert_cmpfloat (old->values[2], ==, 3);

  g_assert_cmpuint (bom_crlf->n_bins, ==, 2);
  g_assert_cmpfloat (bom_crlf->values[1], ==, 2);

  g_assert_cmpuint (classes->n_bins, ==, 2);
  g_assert_cmpfloat (classes->values[0], ==, 10);
  g_assert_cmpfloat (classes->values[1], ==, 11);

  g_assert_cmpuint (no_class->n_bins, ==, 2);
  g_assert_cmpfloat (no_class->values[1], ==, 4);

  g_assert_cmpuint (missing->n_bins, ==, 4);
  g_assert_nonnull (missing->missing);
  g_assert_true (rb_series_is_missing (missing, 0));
  g_assert_true (isnan (missing->values[0]));
  g_assert_false (rb_series_is_missing (missing, 1));
  g_assert_true (isnan (missing->values[1]));
  g_assert_true (isinf (missing->values[2]) && missing->values[2] < 0);
  g_assert_cmpfloat (missing->values[3], ==, 4);

  g_assert_cmpuint (header_only->n_bins, ==, 0);

  g_assert_cmpfloat (strtod_forms->values[0], ==, 1000);
  g_assert_cmpfloat (strtod_forms->values[1], ==, 2.5);
  g_assert_cmpfloat (strtod_forms->values[2], ==, 0.5);
}

static void
test_read_errors (void)
{
  assert_parse_error ("", NAME " is empty");
  assert_parse_error ("bin_index,value\n0,1\n1,2,3\n",
                      NAME " line 3: expected 2 columns, found 3");
  assert_parse_error ("bin_index,value\n0\n",
                      NAME " line 2: expected 2 columns, found 1");
  assert_parse_error ("bin_index,classId,value\n0,DEFAULT\n",
                      NAME " line 2: expected 3 columns, found 2");
  assert_parse_error ("bin_index,value\n0,1\n1,2\n2,abc\n",
                      NAME " line 4: \"abc\" is not a number");
  assert_parse_error ("bin_index,value\r\n0,1,5\r\n",
                      NAME " line 2: expected 2 columns, found 3");
  assert_parse_error ("bin_index,value\n0,1.2.3\n",
                      NAME " line 2: \"1.2.3\" is not a number");
  assert_parse_error ("bin_index,value\n0,1\n0,2\n",
                      NAME " line 3: bin index 0 appears twice");
  assert_parse_error ("bin_index,value\n0,1\n2,2\n",
                      NAME " line 3: expected bin index 1, found 2");
  assert_parse_error ("bin_index,value\n1,1\n",
                      NAME " line 2: expected bin index 0, found 1");
  assert_parse_error ("bin_index,value\n0,1\n1.5,2\n",
                      NAME " line 3: bin index \"1.5\" is not a whole number");
  assert_parse_error ("bin_index,value\n-1,2\n",
                      NAME " line 2: bin index \"-1\" is not a whole number");
  assert_parse_error ("bin_index,value\n,2\n",
                      NAME " line 2: bin index \"\" is not a whole number");
  assert_parse_error ("time,value\n0,1\n",
                      NAME " line 1: the header must be \"bin_index,value\" (found \"time,value\")");
  assert_parse_error ("0,1\n1,2\n",
                      NAME " line 1: the header must be \"bin_index,value\" (found \"0,1\")");
  assert_parse_error ("bin_index,value\n0,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                      NAME " line 2: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…\" is not a number");
  assert_parse_error ("bin_index,value\n0,caf\xe9\n",
                      NAME " line 2: \"caf\xef\xbf\xbd\" is not a number");
}

static void
test_read_file (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "a.csv", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "missing.csv", NULL);
  g_autoptr(RbSeries) series = NULL;
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new ("bin_index,value\n");

  /* Lines crossing the reader's chunk boundaries, no trailing LF. */
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "%u,%u.25%s", i, i, i + 1 < 20000 ? "\r\n" : "");
  rb_test_write_file (path, text->str, text->len);
  g_string_free (text, TRUE);

  series = rb_series_read_csv (path, "series/a.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->n_bins, ==, 20000);
  g_assert_cmpfloat (series->values[19999], ==, 19999.25);
  g_assert_cmpfloat (series->values[4321], ==, 4321.25);

  g_assert_null (rb_series_read_csv (missing_path, "series/missing.csv", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "series/missing.csv is missing");
  g_clear_error (&error);

  rb_test_write_file (path, "bin_index,value\n0,1\n1,x\n", -1);
  g_assert_null (rb_series_read_csv (path, "series/a.csv", &error));
  g_assert_cmpstr (error->message, ==, "series/a.csv line 3: \"x\" is not a number");

  rb_test_remove_tree (dir);
}

static void
write_long_line_file (const char *path,
                      gsize       line_len)
{
  g_autofree char *chunk = g_strnfill (1024 * 1024, '1');
  FILE *file = g_fopen (path, "wb");
  gsize written = 0;

  g_assert_nonnull (file);
  fputs ("bin_index,value\n0,1\n1,", file);
  while (written < line_len)
    {
      gsize n = MIN (line_len - written, 1024 * 1024);

      g_assert_cmpuint (fwrite (chunk, 1, n, file), ==, n);
      written += n;
    }
  fputs ("\n2,3\n", file);
  g_assert_cmpint (fclose (file), ==, 0);
}

static void
test_long_line (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "long.csv", NULL);
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* 100 MB on one line: refused after reading about 1 MiB of it. */
  write_long_line_file (path, 100 * 1000 * 1000);
  start = g_get_monotonic_time ();
  g_assert_null (rb_series_read_csv (path, "series/long.csv", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "series/long.csv line 3 is longer than 1 MiB");
  g_test_message ("refused in %" G_GINT64_FORMAT " us", g_get_monotonic_time () - start);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* The same from memory (a 2 MiB line). */
  {
    g_autofree char *digits = g_strnfill (2 * 1024 * 1024, '1');
    g_autofree char *data = g_strconcat ("bin_index,value\n0,1\n1,", digits, "\n", NULL);
    g_autoptr(RbSeries) series = NULL;

    series = rb_series_parse_csv (data, strlen (data), "series/long.csv", &error);
    g_assert_null (series);
    g_assert_cmpstr (error->message, ==, "series/long.csv line 3 is longer than 1 MiB");
    g_clear_error (&error);
  }

  /* Exactly 1 MiB (with CRLF) is still a line we read: here a valid one. */
  {
    g_autoptr(RbSeries) series = NULL;
    g_autofree char *digits = g_strnfill (1024 * 1024 - 6, '0');
    g_autofree char *text = g_strconcat ("bin_index,value\r\n0,", digits, "12.5\r\n", NULL);

    rb_test_write_file (path, text, -1);
    series = rb_series_read_csv (path, "series/long.csv", &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (series->values[0], ==, 12.5);
  }

  rb_test_remove_tree (dir);
}

static void
test_file_too_large (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.csv", NULL);
  g_autoptr(GError) error = NULL;
  int fd;

  /* Sparse: costs no disk. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 512 * 1024 * 1024 + 1), ==, 0);
  close (fd);

  g_assert_null (rb_series_read_csv (path, "series/huge.csv", &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "series/huge.csv is larger than 512 MiB");

  rb_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/series/write", test_write);
  g_test_add_func ("/series/round-trip", test_round_trip);
  g_test_add_func ("/series/read-forms", test_read_forms);
  g_test_add_func ("/series/read-errors", test_read_errors);
  g_test_add_func ("/series/read-file", test_read_file);
  g_test_add_func ("/series/long-line", test_long_line);
  g_test_add_func ("/series/file-too-large", test_file_too_large);

  return g_test_run ();
}
