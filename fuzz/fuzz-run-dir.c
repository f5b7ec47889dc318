/* fuzz-run-dir.c — libFuzzer target: the run-directory reader
 *
 * The input is split at each 0x1E byte (ASCII record separator) into up to
 * five files of one run folder, in this order:
 *
 *   run.json, manifest.json, model/metadata.json, series/index.json,
 *   model/model.yaml
 *
 * A file with no part is absent. The folder (a temporary data folder made
 * once per process, holding runs/run_fuzz) is rewritten for every input and
 * read with rb_run_load_in(), rb_run_ensure_detail() and
 * rb_run_to_detail_json(), as GET /v1/runs/{id} does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rb-json.h"
#include "rb-run.h"

#define SEPARATOR 0x1e

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char * const files[] = {
  "run.json",
  "manifest.json",
  "model/metadata.json",
  "series/index.json",
  "model/model.yaml",
};

static char *data_dir;
static char *run_dir;

static void
setup_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model_dir = NULL;
  g_autofree char *series_dir = NULL;

  if (data_dir != NULL)
    return;
  data_dir = g_dir_make_tmp ("rb-fuzz-run-dir-XXXXXX", &error);
  g_assert_no_error (error);
  run_dir = g_build_filename (data_dir, "runs", "run_fuzz", NULL);
  model_dir = g_build_filename (run_dir, "model", NULL);
  series_dir = g_build_filename (run_dir, "series", NULL);
  g_assert_cmpint (g_mkdir_with_parents (model_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (series_dir, 0700), ==, 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(RbRun) run = NULL;
  g_autoptr(JsonNode) detail = NULL;
  const char *start = (const char *) data;
  const char *end = start + size;

  setup_once ();

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (run_dir, files[i], NULL);

      if (start != NULL && start <= end)
        {
          const char *stop = memchr (start, SEPARATOR, end - start);
          g_autoptr(GError) error = NULL;

          if (stop == NULL)
            stop = end;
          g_file_set_contents (path, start, stop - start, &error);
          g_assert_no_error (error);
          start = stop < end ? stop + 1 : NULL;
        }
      else if (g_unlink (path) != 0 && errno != ENOENT)
        g_error ("Cannot remove %s: %s", files[i], g_strerror (errno));
    }

  run = rb_run_load_in (data_dir, run_dir, "run_fuzz");
  rb_run_ensure_detail (run);
  detail = rb_run_to_detail_json (run);
  g_assert_nonnull (detail);
  return 0;
}
