/* rb-run-index.c — <data>/.runboard/index: a cache of run summaries
 *
 * The file is one GVariant (our own format, little-endian as written):
 *   ("runboard-run-index-1", a{s ENTRY})
 * keyed by run id. ENTRY holds, first, the identity of each file the
 * summary is read from (see stamp_files) and then the summary fields of
 * RbRun. GVariant reads untrusted bytes safely (a malformed file gives
 * empty values, never a crash), and anything that does not look right is
 * dropped: the index is only ever a shortcut.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-run-index"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "rb-fs.h"
#include "rb-json.h"
#include "rb-run-index.h"
#include "rb-run-private.h"

#define INDEX_MAGIC      "runboard-run-index-1"
#define ENTRY_TYPE       "(atmsmsmsmsmsxmsbuumsbmsxmsmsmssa(ssmsai)b)"
#define ENTRY_FORMAT     "(@atmsmsmsmsmsxmsbuumsbmsxmsmsmssa(ssmsai)b)"
#define FILE_TYPE        "(sa{s" ENTRY_TYPE "})"
#define VALUES_PER_FILE  5

/* Every file load_summary may read for a run without model/telemetry/. */
static const char * const stamp_files[] = {
  "run.json",
  "manifest.json",
  "model",
  "model/metadata.json",
  "model/provenance.json",
  "model/model.yaml",
  "series/index.json",
};

struct _RbRunIndex
{
  char       *data_dir;
  char       *path;
  GVariant   *file;       /* nullable */
  GHashTable *old;        /* run id → ENTRY (borrowed from @file) */
  GHashTable *current;    /* run id → ENTRY, the runs of this listing */
  gboolean    dirty;
};

RbRunIndex *
rb_run_index_load (const char *data_dir)
{
  RbRunIndex *index;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (data_dir != NULL, NULL);

  index = g_new0 (RbRunIndex, 1);
  index->data_dir = g_strdup (data_dir);
  index->path = g_build_filename (data_dir, ".runboard", "index", NULL);
  index->old = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_variant_unref);
  index->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_variant_unref);

  if (g_file_get_contents (index->path, &contents, &length, NULL))
    {
      GBytes *bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
      g_autoptr(GVariant) entries = NULL;
      const char *magic = NULL;
      GVariantIter iter;
      const char *id;
      GVariant *entry;

      g_autoptr(GVariant) untrusted = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (FILE_TYPE),
                                                                                   bytes, FALSE));

      /* Only a file in normal form (what we write) is used; it is then
       * read as trusted: GLib checks untrusted offsets on every access,
       * which is slow for 100 000 entries. */
      if (g_variant_is_normal_form (untrusted))
        index->file = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (FILE_TYPE),
                                                                    bytes, TRUE));
      g_bytes_unref (bytes);
      if (index->file != NULL)
        g_variant_get (index->file, "(&s@a{s" ENTRY_TYPE "})", &magic, &entries);
      if (index->file != NULL && strcmp (magic, INDEX_MAGIC) == 0)
        {
          g_variant_iter_init (&iter, entries);
          while (g_variant_iter_next (&iter, "{&s@" ENTRY_TYPE "}", &id, &entry))
            g_hash_table_replace (index->old, g_strdup (id), entry);
        }
      else
        {
          g_debug ("ignoring the run index: not one this version wrote");
        }
    }
  return index;
}

void
rb_run_index_free (RbRunIndex *index)
{
  if (index == NULL)
    return;
  g_hash_table_unref (index->current);
  g_hash_table_unref (index->old);
  g_clear_pointer (&index->file, g_variant_unref);
  g_free (index->path);
  g_free (index->data_dir);
  g_free (index);
}

/* The identity of each file of stamp_files, or G_MAXUINT64 × 5 when absent;
 * NULL when the run directory cannot be opened. Relative to a descriptor
 * of the run directory: 100 000 runs mean 700 000 of these. */
static GVariant *
stamp_run (const char *run_dir)
{
  guint64 values[G_N_ELEMENTS (stamp_files) * VALUES_PER_FILE];
  int dir_fd = open (run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (dir_fd < 0)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (stamp_files); i++)
    {
      guint64 *v = values + i * VALUES_PER_FILE;
      struct stat st;

      if (fstatat (dir_fd, stamp_files[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
        {
          for (guint j = 0; j < VALUES_PER_FILE; j++)
            v[j] = G_MAXUINT64;
          continue;
        }
      v[0] = (guint64) st.st_ino;
      v[1] = (guint64) st.st_size;
      v[2] = (guint64) st.st_mtim.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) st.st_mtim.tv_nsec;
      v[3] = (guint64) st.st_ctim.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) st.st_ctim.tv_nsec;
      v[4] = (guint64) st.st_mode;
    }
  close (dir_fd);
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, values,
                                    G_N_ELEMENTS (values), sizeof values[0]);
}

static gboolean
has_telemetry_dir (const char *run_dir)
{
  g_autofree char *path = g_build_filename (run_dir, "model", "telemetry", NULL);
  struct stat st;

  return lstat (path, &st) == 0 || errno != ENOENT;
}

static GVariant *
entry_new (RbRun    *run,
           GVariant *stamp)
{
  GVariantBuilder warnings;
  g_autoptr(JsonNode) parameters = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *parameters_text = NULL;

  json_node_set_object (parameters, run->parameters);
  parameters_text = json_to_string (parameters, FALSE);

  g_variant_builder_init (&warnings, G_VARIANT_TYPE ("a(ssmsai)"));
  for (guint i = 0; i < run->warnings->len; i++)
    {
      RbWarning *warning = g_ptr_array_index (run->warnings, i);
      GVariantBuilder bins;

      g_variant_builder_init (&bins, G_VARIANT_TYPE ("ai"));
      for (guint j = 0; warning->bins != NULL && j < warning->bins->len; j++)
        g_variant_builder_add (&bins, "i", g_array_index (warning->bins, int, j));
      g_variant_builder_add (&warnings, "(ssmsai)",
                             warning->code != NULL ? warning->code : "",
                             warning->message != NULL ? warning->message : "",
                             warning->node_id,
                             &bins);
    }

  return g_variant_ref_sink (g_variant_new (ENTRY_FORMAT,
                                            stamp,
                                            run->template_id, run->template_title,
                                            run->template_version, run->mode,
                                            run->created_utc, (gint64) run->created_usec,
                                            run->diagnostic,
                                            run->has_grid, run->bins, run->bin_size,
                                            run->bin_unit,
                                            run->has_rng, run->rng_kind, (gint64) run->rng_seed,
                                            run->source_run_id, run->source_kind,
                                            run->input_hash,
                                            parameters_text,
                                            &warnings,
                                            run->metadata_ok));
}

/* Broken runs are never cached, nor runs with a warning without bins (the
 * index cannot tell absent bins from an empty list): both are read every time. */
static gboolean
run_is_cacheable (RbRun *run)
{
  if (run->load_error != NULL)
    return FALSE;
  for (guint i = 0; i < run->warnings->len; i++)
    {
      RbWarning *warning = g_ptr_array_index (run->warnings, i);

      if (warning->bins == NULL || warning->code == NULL || warning->message == NULL)
        return FALSE;
    }
  return TRUE;
}

static RbRun *
run_from_entry (RbRunIndex *index,
                GVariant   *entry,
                const char *run_dir,
                const char *run_id)
{
  g_autoptr(RbRun) run = g_object_new (RB_TYPE_RUN, NULL);
  g_autoptr(GVariant) stamp = NULL;
  g_autoptr(GVariantIter) warnings = NULL;
  g_autoptr(JsonNode) parameters = NULL;
  const char *parameters_text = NULL;
  gint64 created_usec, rng_seed;
  const char *code, *message, *node_id;
  GVariantIter *bins;

  g_variant_get (entry, ENTRY_FORMAT,
                 &stamp,
                 &run->template_id, &run->template_title,
                 &run->template_version, &run->mode,
                 &run->created_utc, &created_usec,
                 &run->diagnostic,
                 &run->has_grid, &run->bins, &run->bin_size,
                 &run->bin_unit,
                 &run->has_rng, &run->rng_kind, &rng_seed,
                 &run->source_run_id, &run->source_kind,
                 &run->input_hash,
                 &parameters_text,
                 &warnings,
                 &run->metadata_ok);
  run->created_usec = created_usec;
  run->rng_seed = rng_seed;
  run->directory = g_strdup (run_dir);
  run->data_dir = g_strdup (index->data_dir);
  run->run_id = g_strdup (run_id);

  parameters = json_from_string (parameters_text, NULL);
  g_free ((char *) parameters_text);
  if (parameters == NULL || !JSON_NODE_HOLDS_OBJECT (parameters))
    return NULL;
  _rb_run_set_parameters (run, json_node_get_object (parameters));

  while (g_variant_iter_next (warnings, "(&s&sm&sai)", &code, &message, &node_id, &bins))
    {
      RbWarning *warning = g_new0 (RbWarning, 1);
      gint32 bin;

      warning->code = g_strdup (code);
      warning->message = g_strdup (message);
      warning->node_id = g_strdup (node_id);
      warning->bins = g_array_new (FALSE, FALSE, sizeof (int));
      while (g_variant_iter_next (bins, "i", &bin))
        g_array_append_val (warning->bins, bin);
      g_variant_iter_free (bins);
      g_ptr_array_add (run->warnings, warning);
    }
  run->warning_count = run->warnings->len;
  /* Telemetry: runs without model/telemetry/ have none (only those are cached). */
  return g_steal_pointer (&run);
}

RbRun *
rb_run_index_get (RbRunIndex *index,
                  const char *run_dir,
                  const char *run_id)
{
  g_autoptr(GVariant) stamp = NULL;
  g_autoptr(GVariant) old_stamp = NULL;
  GVariant *entry;
  RbRun *run;

  g_return_val_if_fail (index != NULL, NULL);
  g_return_val_if_fail (run_dir != NULL && run_id != NULL, NULL);

  if (has_telemetry_dir (run_dir))
    return rb_run_load_in (index->data_dir, run_dir, run_id);

  stamp = stamp_run (run_dir);
  if (stamp == NULL)
    return rb_run_load_in (index->data_dir, run_dir, run_id);
  g_variant_ref_sink (stamp);
  entry = g_hash_table_lookup (index->old, run_id);
  if (entry != NULL)
    {
      gsize n_old = 0, n_new = 0;
      const guint64 *old_values, *new_values;

      /* Compared as numbers (g_variant_equal would print both). */
      old_stamp = g_variant_get_child_value (entry, 0);
      old_values = g_variant_get_fixed_array (old_stamp, &n_old, sizeof (guint64));
      new_values = g_variant_get_fixed_array (stamp, &n_new, sizeof (guint64));
      if (n_old == n_new && memcmp (old_values, new_values, n_new * sizeof (guint64)) == 0)
        {
          run = run_from_entry (index, entry, run_dir, run_id);
          if (run != NULL)
            {
              g_hash_table_replace (index->current, g_strdup (run_id), g_variant_ref (entry));
              return run;
            }
        }
    }

  /* Stamped before reading: a change while reading makes the entry stale. */
  run = rb_run_load_in (index->data_dir, run_dir, run_id);
  index->dirty = TRUE;
  if (run_is_cacheable (run))
    g_hash_table_replace (index->current, g_strdup (run_id), entry_new (run, stamp));
  return run;
}

gboolean
rb_run_index_save (RbRunIndex  *index,
                   GError     **error)
{
  g_autoptr(GVariant) file = NULL;
  g_autofree char *dir = NULL;
  GVariantBuilder entries;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (index != NULL, FALSE);

  if (!index->dirty && g_hash_table_size (index->current) == g_hash_table_size (index->old))
    return TRUE;

  g_variant_builder_init (&entries, G_VARIANT_TYPE ("a{s" ENTRY_TYPE "}"));
  g_hash_table_iter_init (&iter, index->current);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&entries, "{s@" ENTRY_TYPE "}", (const char *) key, (GVariant *) value);
  file = g_variant_ref_sink (g_variant_new ("(sa{s" ENTRY_TYPE "})", INDEX_MAGIC, &entries));

  /* Only in folders Runboard set up (they have .runboard/): listing a
   * folder of someone else's runs (FlowTime's, a test's sample) leaves it
   * untouched. */
  dir = g_path_get_dirname (index->path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  return rb_fs_write_atomic (index->path, g_variant_get_data (file),
                             g_variant_get_size (file), error);
}
