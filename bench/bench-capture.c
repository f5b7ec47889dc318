/* bench-capture.c — explicit telemetry generation of a large run against
 * copying the same bytes.
 *
 * Usage: bench-capture [SERIES [BINS]]   (default 1 000 series × 10 000 bins)
 *
 * Writes a simulation run by hand in a temp folder (one topology node per
 * series, Arrivals bound to it; values with two decimals), then times
 *   capture   rb_telemetry_generate to a shared key with overwrite (read,
 *             check every value, hash, write, sync, swap, run state);
 *   dry run   the same without writing (read and check only);
 *   copy      the baseline: read every series file and write the same bytes
 *             to a fresh folder, then syncfs once (what any capture must do).
 * Each figure is the best of three passes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE 1   /* syncfs */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rb-core.h"
#include "rb-telemetry.h"

#define PASSES 3

static void
write_text (const char *path,
            const char *text,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0755);
  if (!g_file_set_contents (path, text, len, &error))
    g_error ("%s", error->message);
}

static gsize
write_run (const char *data,
           guint       n_series,
           guint       bins)
{
  g_autofree char *run = g_build_filename (data, "runs", "run_bench", NULL);
  g_autoptr(GString) topology = g_string_new (NULL);
  g_autoptr(GString) index = g_string_new (NULL);
  g_autoptr(GString) run_series = g_string_new (NULL);
  g_autofree char *model = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize total = 0;

  for (guint s = 0; s < n_series; s++)
    {
      g_autoptr(RbSeries) series = rb_series_new (bins);
      g_autoptr(GBytes) csv = NULL;
      g_autofree char *id = g_strdup_printf ("s%04u@S%04u@DEFAULT", s, s);
      g_autofree char *hash = NULL;

      for (guint b = 0; b < bins; b++)
        series->values[b] = (double) ((s * 7919u + b * 104729u) % 500000u) / 100.0;
      csv = rb_series_to_csv (series);
      hash = rb_hash_bytes (csv);
      total += g_bytes_get_size (csv);
      g_free (path);
      path = g_strdup_printf ("%s/series/%s.csv", run, id);
      write_text (path, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv));
      g_string_append_printf (topology, "    - id: N%04u\n      kind: service\n      semantics:\n"
                              "        arrivals: s%04u\n", s, s);
      g_string_append_printf (index, "%s{\"id\": \"%s\", \"kind\": \"flow\", \"path\": \"series/%s.csv\", "
                              "\"unit\": \"entities/bin\", \"componentId\": \"S%04u\", \"class\": \"DEFAULT\", "
                              "\"points\": %u, \"hash\": \"%s\"}", s > 0 ? ", " : "", id, id, s, bins, hash);
      g_string_append_printf (run_series, "%s{\"id\": \"%s\", \"path\": \"series/%s.csv\", \"unit\": \"entities/bin\"}",
                              s > 0 ? ", " : "", id, id);
    }

  model = g_strdup_printf ("schemaVersion: 1\nmode: simulation\nmetadata:\n  id: bench\n  title: Bench\n"
                           "  version: 1.0.0\nwindow:\n  start: 2026-01-01T00:00:00Z\n"
                           "grid:\n  bins: %u\n  binSize: 1\n  binUnit: minutes\n"
                           "topology:\n  nodes:\n%s  edges: []\n", bins, topology->str);
  g_free (path);
  path = g_build_filename (run, "model", "model.yaml", NULL);
  write_text (path, model, strlen (model));
  g_free (path);
  path = g_build_filename (run, "spec.yaml", NULL);
  write_text (path, model, strlen (model));

  text = g_strdup_printf ("{\"schemaVersion\": 1, \"grid\": {\"bins\": %u, \"binSize\": 1, \"binUnit\": \"minutes\", "
                          "\"timezone\": \"UTC\"}, \"series\": [%s]}\n", bins, index->str);
  g_free (path);
  path = g_build_filename (run, "series", "index.json", NULL);
  write_text (path, text, strlen (text));
  g_free (text);

  text = g_strdup_printf ("{\"schemaVersion\": 1, \"runId\": \"run_bench\", \"engineVersion\": \"runboard-0.1.0\", "
                          "\"source\": \"engine\", \"grid\": {\"bins\": %u, \"binSize\": 1, \"binUnit\": \"minutes\"}, "
                          "\"modelHash\": \"sha256:%064d\", \"scenarioHash\": \"sha256:%064d\", "
                          "\"createdUtc\": \"2026-01-01T00:00:00Z\", \"warnings\": [], \"series\": [%s]}\n",
                          bins, 1, 2, run_series->str);
  g_free (path);
  path = g_build_filename (run, "run.json", NULL);
  write_text (path, text, strlen (text));
  g_free (text);

  text = g_strdup ("{\"schemaVersion\": 1, \"templateId\": \"bench\", \"templateVersion\": \"1.0.0\", "
                   "\"mode\": \"simulation\", \"parameters\": {}}\n");
  g_free (path);
  path = g_build_filename (run, "model", "metadata.json", NULL);
  write_text (path, text, strlen (text));
  return total;
}

static double
time_capture (const char *data,
              gboolean    dry_run)
{
  g_autoptr(RbCaptureRequest) request = rb_capture_request_new ("run_bench");
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  request->capture_key = g_strdup ("bench");
  request->overwrite = TRUE;
  request->dry_run = dry_run;
  start = g_get_monotonic_time ();
  result = rb_telemetry_generate (data, NULL, request, NULL, NULL, NULL, &error);
  if (result == NULL)
    g_error ("capture failed: %s", error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_copy (const char *data,
           guint       n_series,
           guint       pass)
{
  g_autofree char *src = g_build_filename (data, "runs", "run_bench", "series", NULL);
  g_autofree char *dest = g_strdup_printf ("%s/copy-%u", data, pass);
  gint64 start = g_get_monotonic_time ();
  int dir_fd;

  g_mkdir (dest, 0755);
  dir_fd = open (dest, O_RDONLY | O_DIRECTORY);
  for (guint s = 0; s < n_series; s++)
    {
      g_autofree char *name = g_strdup_printf ("s%04u@S%04u@DEFAULT.csv", s, s);
      g_autofree char *from = g_build_filename (src, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      int fd;

      if (!g_file_get_contents (from, &contents, &len, NULL))
        g_error ("cannot read %s", name);
      fd = openat (dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0 || write (fd, contents, len) != (gssize) len)
        g_error ("cannot write %s", name);
      close (fd);
    }
  (void) syncfs (dir_fd);
  close (dir_fd);
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
quiet_log (const char     *log_domain,
           GLogLevelFlags  log_level,
           const char     *message,
           gpointer        user_data)
{
}

int
main (int    argc,
      char **argv)
{
  guint n_series = argc > 1 ? (guint) atoi (argv[1]) : 1000;
  guint bins = argc > 2 ? (guint) atoi (argv[2]) : 10000;
  g_autofree char *data = g_dir_make_tmp ("bench-capture-XXXXXX", NULL);
  double best_capture = G_MAXDOUBLE;
  double best_dry = G_MAXDOUBLE;
  double best_copy = G_MAXDOUBLE;
  gsize bytes;

  g_log_set_handler ("rb-telemetry", G_LOG_LEVEL_MESSAGE, quiet_log, NULL);
  bytes = write_run (data, n_series, bins);
  printf ("%u series x %u bins, %.1f MB of CSV (in %s)\n", n_series, bins, bytes / 1e6, g_get_tmp_dir ());

  for (guint pass = 0; pass < PASSES; pass++)
    {
      best_copy = MIN (best_copy, time_copy (data, n_series, pass));
      best_dry = MIN (best_dry, time_capture (data, TRUE));
      best_capture = MIN (best_capture, time_capture (data, FALSE));
    }
  printf ("%-26s %8.3f s  %7.1f MB/s\n", "copy the bytes (baseline)", best_copy, bytes / 1e6 / best_copy);
  printf ("%-26s %8.3f s  %7.1f MB/s\n", "capture, dry run", best_dry, bytes / 1e6 / best_dry);
  printf ("%-26s %8.3f s  %7.1f MB/s  (%.2fx the copy)\n", "capture (overwrite)", best_capture,
          bytes / 1e6 / best_capture, best_capture / best_copy);

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", data);
    if (system (cmd) != 0)
      fprintf (stderr, "could not remove %s\n", data);
  }
  return 0;
}
