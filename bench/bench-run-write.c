/* bench-run-write.c — time to write a run folder (rb_run_writer_write:
 * CSV formatting, SHA-256 of every file, index/run/manifest JSON, one
 * syncfs) against writing the very same bytes with plain write() calls in
 * the same process (and the same one syncfs).
 *
 * Usage: bench-run-write [SERIES [BINS [DIR]]]
 *        (default 1 000 series × 10 000 bins, in $TMPDIR)
 *
 * Values are realistic series: a third integers (counts), a third with one
 * or two decimals, a third full-precision doubles. Each figure is the best
 * of three passes, each pass into a fresh folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rb-hash.h"
#include "rb-run-writer.h"
#include "rb-series.h"

#define PASSES 3

static guint64 rng_state = G_GUINT64_CONSTANT (0x5EED5EED12345678);

static guint64
next_u64 (void)
{
  guint64 z = (rng_state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static double
make_value (guint series,
            guint bin)
{
  guint64 r = next_u64 ();

  switch (series % 3)
    {
    case 0:
      return (double) (r % 5000);
    case 1:
      return (double) (r % 100000) / 100.0;
    default:
      return (double) (r >> 11) * (1.0 / 9007199254740992.0) * 1000.0 + bin;
    }
}

/* Every regular file under @dir (relative path → bytes), for the baseline. */
static void
collect (const char *root,
         const char *rel,
         GPtrArray  *paths,
         GPtrArray  *blobs)
{
  g_autofree char *dir_path = g_build_filename (root, rel, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      char *child = *rel ? g_build_filename (rel, name, NULL) : g_strdup (name);
      g_autofree char *path = g_build_filename (root, child, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          collect (root, child, paths, blobs);
          g_free (child);
        }
      else
        {
          char *data = NULL;
          gsize len = 0;

          g_file_get_contents (path, &data, &len, NULL);
          g_ptr_array_add (paths, child);
          g_ptr_array_add (blobs, g_bytes_new_take (data, len));
        }
    }
}

static double
baseline_write (const char *dir,
                GPtrArray  *paths,
                GPtrArray  *blobs)
{
  gint64 start = g_get_monotonic_time ();
  int dir_fd;

  g_mkdir_with_parents (dir, 0755);
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  mkdirat (dir_fd, "model", 0755);
  mkdirat (dir_fd, "series", 0755);
  mkdirat (dir_fd, "aggregates", 0755);
  for (guint i = 0; i < paths->len; i++)
    {
      gsize len;
      const char *data = g_bytes_get_data (g_ptr_array_index (blobs, i), &len);
      int fd = openat (dir_fd, g_ptr_array_index (paths, i),
                       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

      if (fd < 0 || write (fd, data, len) != (gssize) len)
        g_error ("baseline write failed: %s", g_strerror (errno));
      close (fd);
    }
  syncfs (dir_fd);
  close (dir_fd);
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int argc, char **argv)
{
  guint n_series = argc > 1 ? (guint) atoi (argv[1]) : 1000;
  guint n_bins = argc > 2 ? (guint) atoi (argv[2]) : 10000;
  g_autofree char *root = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
  g_autofree char *model = NULL;
  RbRunContent content = { 0 };
  double best_writer = G_MAXDOUBLE;
  double best_base = G_MAXDOUBLE;
  double best_csv = G_MAXDOUBLE;
  double best_hash = G_MAXDOUBLE;
  guint64 total_bytes = 0;

  if (argc > 3)
    root = g_strdup (argv[3]);
  else
    root = g_dir_make_tmp ("bench-run-write-XXXXXX", NULL);
  g_mkdir_with_parents (root, 0755);

  for (guint s = 0; s < n_series; s++)
    {
      double *v = g_new (double, n_bins);

      for (guint b = 0; b < n_bins; b++)
        v[b] = make_value (s, b);
      g_ptr_array_add (values, v);
      g_ptr_array_add (ids, g_strdup_printf ("node_%04u", s));
    }
  json_object_set_int_member (parameters, "bins", n_bins);
  model = g_strdup_printf ("schemaVersion: 1\ngrid:\n  bins: %u\n  binSize: 1\n  binUnit: minutes\n", n_bins);

  content.run_id = "run_bench";
  content.model_text = model;
  content.model_length = strlen (model);
  content.template_id = "bench";
  content.template_title = "Bench";
  content.template_version = "1.0.0";
  content.mode = "simulation";
  content.merged_parameters = parameters;
  content.request_parameters = parameters;
  content.input_hash = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  content.rng_kind = "pcg32";
  content.seed = 123;
  content.created = created;
  content.bins = n_bins;
  content.bin_size = 1;
  content.bin_unit = "minutes";
  content.n_series = n_series;
  content.series_node_ids = (const char * const *) ids->pdata;
  content.series_values = (const double * const *) values->pdata;

  for (int pass = 0; pass < PASSES; pass++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/writer-%d", root, pass);
      g_autofree char *base = g_strdup_printf ("%s/baseline-%d", root, pass);
      g_autoptr(GError) error = NULL;
      gint64 start;
      double t;

      g_mkdir_with_parents (dir, 0755);
      start = g_get_monotonic_time ();
      if (!rb_run_writer_write (dir, &content, NULL, &error))
        g_error ("%s", error->message);
      t = (g_get_monotonic_time () - start) / 1e6;
      best_writer = MIN (best_writer, t);

      if (paths->len == 0)
        {
          collect (dir, "", paths, blobs);
          for (guint i = 0; i < blobs->len; i++)
            total_bytes += g_bytes_get_size (g_ptr_array_index (blobs, i));
        }
      t = baseline_write (base, paths, blobs);
      best_base = MIN (best_base, t);
      rb_run_writer_remove_tree (dir);
      rb_run_writer_remove_tree (base);

      /* Where the writer's time goes: formatting and hashing alone. */
      start = g_get_monotonic_time ();
      for (guint i = 0; i < n_series; i++)
        {
          RbSeries series = { n_bins, g_ptr_array_index (values, i), NULL };

          g_bytes_unref (rb_series_to_csv (&series));
        }
      best_csv = MIN (best_csv, (g_get_monotonic_time () - start) / 1e6);
      start = g_get_monotonic_time ();
      for (guint i = 0; i < blobs->len; i++)
        {
          gsize len;
          const char *data = g_bytes_get_data (g_ptr_array_index (blobs, i), &len);

          g_free (rb_hash_data (data, len));
        }
      best_hash = MIN (best_hash, (g_get_monotonic_time () - start) / 1e6);
    }
  rb_run_writer_remove_tree (root);

  printf ("run folder: %u series x %u bins, %u files, %.1f MB\n",
          n_series, n_bins, paths->len, total_bytes / 1e6);
  printf ("%-34s %9.3f s  %7.1f MB/s\n", "rb_run_writer_write (all work)",
          best_writer, total_bytes / 1e6 / best_writer);
  printf ("%-34s %9.3f s  %7.1f MB/s\n", "plain write() of the same bytes",
          best_base, total_bytes / 1e6 / best_base);
  printf ("%-34s %9.2f x\n", "writer / baseline", best_writer / best_base);
  printf ("  of which rb_series_to_csv alone  %9.3f s\n", best_csv);
  printf ("  of which SHA-256 of every file   %9.3f s\n", best_hash);
  return 0;
}
