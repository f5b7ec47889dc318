/* rb-run-writer.c — writing a run directory (formats.md "Run directory")
 *
 * The folder is private until published, so its files are written with
 * plain write()s and made durable with one syncfs() before the rename
 * (formats.md "Common rules": "write a whole folder and syncfs() once
 * before its rename") — an fsync per file would cost far more than the
 * formatting for a run of a thousand series.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "rb-run-writer"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rb-error.h"
#include "rb-hash.h"
#include "rb-json.h"
#include "rb-run.h"
#include "rb-run-writer.h"
#include "rb-series.h"
#include "rb-time.h"

#define ENGINE_VERSION "runboard-" PACKAGE_VERSION
#define GENERATOR      "runboard/" PACKAGE_VERSION
#define SERIES_UNIT    "entities/bin"

static gboolean fail_publish_for_testing;

void
rb_run_writer_set_fail_publish_for_testing (gboolean fail)
{
  fail_publish_for_testing = fail;
}

char *
rb_run_writer_series_id (const char *node_id)
{
  g_autofree char *upper = g_ascii_strup (node_id, -1);

  return g_strdup_printf ("%s@%s@DEFAULT", node_id, upper);
}

GPtrArray *
rb_run_writer_list_files (const RbRunContent *content)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (files, g_strdup ("spec.yaml"));
  g_ptr_array_add (files, g_strdup ("model/model.yaml"));
  for (guint i = 0; i < content->n_series; i++)
    {
      g_autofree char *id = rb_run_writer_series_id (content->series_node_ids[i]);

      g_ptr_array_add (files, g_strdup_printf ("series/%s.csv", id));
    }
  g_ptr_array_add (files, g_strdup ("series/index.json"));
  g_ptr_array_add (files, g_strdup ("run.json"));
  g_ptr_array_add (files, g_strdup ("manifest.json"));
  g_ptr_array_add (files, g_strdup ("model/metadata.json"));
  g_ptr_array_add (files, g_strdup ("model/provenance.json"));
  return files;
}

/* Writing {{{ */

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static gboolean
write_file (int          dir_fd,
            const char  *relative,
            const void  *data,
            gsize        len,
            GError     **error)
{
  int fd = openat (dir_fd, relative, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  int saved;

  if (fd < 0)
    goto fail;
  if (!write_all (fd, data, len))
    {
      saved = errno;
      close (fd);
      errno = saved;
      goto fail;
    }
  if (close (fd) != 0)
    goto fail;
  return TRUE;

fail:
  saved = errno;
  g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
               "Could not write %s: %s", relative, g_strerror (saved));
  return FALSE;
}

static gboolean
write_json (int          dir_fd,
            const char  *relative,
            JsonNode    *node,
            char       **hash,
            GError     **error)
{
  gsize len = 0;
  g_autofree char *data = rb_json_to_data (node, &len);

  if (hash != NULL)
    *hash = rb_hash_data (data, len);
  return write_file (dir_fd, relative, data, len, error);
}

static gboolean
make_dir (int          dir_fd,
          const char  *relative,
          GError     **error)
{
  if (mkdirat (dir_fd, relative, 0755) != 0 && errno != EEXIST)
    {
      int saved = errno;

      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not create %s/: %s", relative, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* }}} */

/* JSON shapes {{{ */

static void
add_warnings (JsonBuilder *builder,
              GPtrArray   *warnings)
{
  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    {
      RbWarning *warning = g_ptr_array_index (warnings, i);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "code", warning->code);
      rb_json_add_string (builder, "message", warning->message);
      if (warning->node_id != NULL)
        rb_json_add_string (builder, "nodeId", warning->node_id);
      if (warning->bins != NULL && warning->bins->len > 0)
        {
          json_builder_set_member_name (builder, "bins");
          json_builder_begin_array (builder);
          for (guint j = 0; j < warning->bins->len; j++)
            json_builder_add_int_value (builder, g_array_index (warning->bins, int, j));
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_object_copy (JsonBuilder *builder,
                 const char  *member,
                 JsonObject  *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  if (object != NULL)
    json_node_set_object (node, object);
  else
    json_node_take_object (node, json_object_new ());
  json_builder_set_member_name (builder, member);
  json_builder_add_value (builder, json_node_copy (node));
  json_node_unref (node);
}

static void
add_rng (JsonBuilder        *builder,
         const RbRunContent *content)
{
  json_builder_set_member_name (builder, "rng");
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "kind", content->rng_kind != NULL ? content->rng_kind : "pcg32");
  rb_json_add_int (builder, "seed", content->seed);
  json_builder_end_object (builder);
}

static JsonNode *
build_run_json (const RbRunContent *content,
                const char         *model_hash,
                const char         *scenario_hash,
                const char         *created_utc,
                GPtrArray          *series_ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  rb_json_add_int (builder, "schemaVersion", 1);
  rb_json_add_string (builder, "runId", content->run_id);
  rb_json_add_string (builder, "engineVersion", ENGINE_VERSION);
  rb_json_add_string (builder, "source", "engine");
  rb_json_add_string (builder, "inputHash", content->input_hash);
  json_builder_set_member_name (builder, "grid");
  json_builder_begin_object (builder);
  rb_json_add_int (builder, "bins", content->bins);
  rb_json_add_int (builder, "binSize", content->bin_size);
  rb_json_add_string (builder, "binUnit", content->bin_unit);
  rb_json_add_string (builder, "timezone", "UTC");
  rb_json_add_string (builder, "align", "left");
  json_builder_end_object (builder);
  rb_json_add_string (builder, "modelHash", model_hash);
  rb_json_add_string (builder, "scenarioHash", scenario_hash);
  rb_json_add_string (builder, "createdUtc", created_utc);
  add_warnings (builder, content->warnings);
  json_builder_set_member_name (builder, "series");
  json_builder_begin_array (builder);
  for (guint i = 0; i < series_ids->len; i++)
    {
      const char *id = g_ptr_array_index (series_ids, i);
      g_autofree char *path = g_strdup_printf ("series/%s.csv", id);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "id", id);
      rb_json_add_string (builder, "path", path);
      rb_json_add_string (builder, "unit", SERIES_UNIT);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
build_manifest_json (const RbRunContent *content,
                     const char         *model_hash,
                     const char         *scenario_hash,
                     const char         *created_utc,
                     const char         *model_id,
                     GPtrArray          *series_ids,
                     GPtrArray          *series_hashes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  rb_json_add_int (builder, "schemaVersion", 1);
  rb_json_add_string (builder, "scenarioHash", scenario_hash);
  rb_json_add_string (builder, "modelHash", model_hash);
  add_rng (builder, content);
  json_builder_set_member_name (builder, "seriesHashes");
  json_builder_begin_object (builder);
  for (guint i = 0; i < series_ids->len; i++)
    rb_json_add_string (builder, g_ptr_array_index (series_ids, i),
                        g_ptr_array_index (series_hashes, i));
  json_builder_end_object (builder);
  rb_json_add_int (builder, "eventCount", 0);
  rb_json_add_string (builder, "createdUtc", created_utc);
  json_builder_set_member_name (builder, "provenance");
  json_builder_begin_object (builder);
  rb_json_add_bool (builder, "hasProvenance", TRUE);
  rb_json_add_string (builder, "modelId", model_id);
  rb_json_add_string (builder, "templateId", content->template_id);
  rb_json_add_string (builder, "inputHash", content->input_hash);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
build_metadata_json (const RbRunContent *content,
                     const char         *model_hash,
                     const char         *created_utc,
                     const char         *model_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  rb_json_add_int (builder, "schemaVersion", 1);
  rb_json_add_string (builder, "templateId", content->template_id);
  rb_json_add_string (builder, "templateTitle", content->template_title);
  rb_json_add_string (builder, "templateVersion", content->template_version);
  rb_json_add_string (builder, "mode", content->mode);
  rb_json_add_string (builder, "modelHash", model_hash);
  rb_json_add_string (builder, "source", "runboard");
  rb_json_add_string (builder, "generator", GENERATOR);
  rb_json_add_string (builder, "modelId", model_id);
  rb_json_add_string (builder, "generatedAtUtc", created_utc);
  rb_json_add_string (builder, "receivedAtUtc", created_utc);
  add_object_copy (builder, "parameters", content->merged_parameters);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
build_provenance_json (const RbRunContent *content,
                       const char         *created_utc,
                       const char         *model_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "source", "runboard");
  rb_json_add_string (builder, "modelId", model_id);
  rb_json_add_string (builder, "templateId", content->template_id);
  rb_json_add_string (builder, "templateVersion", content->template_version);
  rb_json_add_string (builder, "templateTitle", content->template_title);
  rb_json_add_string (builder, "mode", content->mode);
  add_object_copy (builder, "parameters", content->request_parameters);
  rb_json_add_string (builder, "inputHash", content->input_hash);
  add_rng (builder, content);
  rb_json_add_string (builder, "generatedAt", created_utc);
  rb_json_add_string (builder, "generator", GENERATOR);
  if (content->replay_of_run_id != NULL)
    {
      json_builder_set_member_name (builder, "replayOf");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "runId", content->replay_of_run_id);
      rb_json_add_string (builder, "kind", content->replay_of_kind);
      json_builder_end_object (builder);
    }
  if (content->has_telemetry)
    {
      json_builder_set_member_name (builder, "telemetry");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "captureKey", content->telemetry_capture_key);
      rb_json_add_string (builder, "sourceRunId", content->telemetry_source_run_id);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
add_index_entry (JsonBuilder *builder,
                 const char  *node_id,
                 const char  *series_id,
                 guint        points,
                 const char  *hash)
{
  g_autofree char *path = g_strdup_printf ("series/%s.csv", series_id);
  g_autofree char *component = g_ascii_strup (node_id, -1);

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "id", series_id);
  rb_json_add_string (builder, "kind", "flow");
  rb_json_add_string (builder, "path", path);
  rb_json_add_string (builder, "unit", SERIES_UNIT);
  rb_json_add_string (builder, "componentId", component);
  rb_json_add_string (builder, "class", "DEFAULT");
  rb_json_add_int (builder, "points", points);
  rb_json_add_string (builder, "hash", hash);
  json_builder_end_object (builder);
}

/* }}} */

static char *
scenario_hash_of (const RbRunContent *content)
{
  const char *start = content->model_text;
  const char *end = content->model_text + content->model_length;
  GString *text;
  char *hash;

  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  text = g_string_new_len (start, end - start);
  g_string_append_printf (text, "\n%" G_GINT64_FORMAT "\nnull", content->seed);
  hash = rb_hash_data (text->str, text->len);
  g_string_free (text, TRUE);
  return hash;
}

static char *
model_id_of (GDateTime  *created,
             const char *model_hash)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (created);
  g_autofree char *stamp = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
  const char *hex = g_str_has_prefix (model_hash, "sha256:") ? model_hash + 7 : model_hash;

  return g_strdup_printf ("model_%s_%.8s", stamp, hex);
}

gboolean
rb_run_writer_write (const char          *dir,
                     const RbRunContent  *content,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(GPtrArray) series_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) series_hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) index = json_builder_new ();
  g_autoptr(JsonNode) index_node = NULL;
  g_autoptr(JsonNode) run_node = NULL;
  g_autoptr(JsonNode) manifest_node = NULL;
  g_autoptr(JsonNode) metadata_node = NULL;
  g_autoptr(JsonNode) provenance_node = NULL;
  g_autofree char *model_hash = NULL;
  g_autofree char *scenario_hash = NULL;
  g_autofree char *created_utc = NULL;
  g_autofree char *model_id = NULL;
  gboolean ok = FALSE;
  int dir_fd;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (content != NULL, FALSE);

  dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd < 0)
    {
      int saved = errno;

      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not open the new run folder of %s: %s",
                   content->run_id, g_strerror (saved));
      return FALSE;
    }

  model_hash = rb_hash_data (content->model_text, content->model_length);
  scenario_hash = scenario_hash_of (content);
  created_utc = rb_time_format (content->created);
  model_id = model_id_of (content->created, model_hash);

  if (!make_dir (dir_fd, "model", error) ||
      !make_dir (dir_fd, "series", error) ||
      !make_dir (dir_fd, "aggregates", error) ||
      !write_file (dir_fd, "spec.yaml", content->model_text, content->model_length, error) ||
      !write_file (dir_fd, "model/model.yaml", content->model_text, content->model_length, error))
    goto out;

  json_builder_begin_object (index);
  rb_json_add_int (index, "schemaVersion", 1);
  json_builder_set_member_name (index, "grid");
  json_builder_begin_object (index);
  rb_json_add_int (index, "bins", content->bins);
  rb_json_add_int (index, "binSize", content->bin_size);
  rb_json_add_string (index, "binUnit", content->bin_unit);
  rb_json_add_string (index, "timezone", "UTC");
  json_builder_end_object (index);
  json_builder_set_member_name (index, "series");
  json_builder_begin_array (index);

  for (guint i = 0; i < content->n_series; i++)
    {
      const char *node_id = content->series_node_ids[i];
      char *series_id = rb_run_writer_series_id (node_id);
      g_autofree char *relative = g_strdup_printf ("series/%s.csv", series_id);
      /* The engine's buffer is borrowed, never copied. */
      RbSeries series = { content->bins, (double *) content->series_values[i], NULL };
      g_autoptr(GBytes) csv = NULL;
      const char *data;
      gsize len;
      char *hash;

      g_ptr_array_add (series_ids, series_id);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      csv = rb_series_to_csv (&series);
      data = g_bytes_get_data (csv, &len);
      hash = rb_hash_data (data, len);
      g_ptr_array_add (series_hashes, hash);
      if (!write_file (dir_fd, relative, data, len, error))
        goto out;
      add_index_entry (index, node_id, series_id, content->bins, hash);
    }
  json_builder_end_array (index);
  json_builder_end_object (index);
  index_node = json_builder_get_root (index);

  run_node = build_run_json (content, model_hash, scenario_hash, created_utc, series_ids);
  manifest_node = build_manifest_json (content, model_hash, scenario_hash, created_utc,
                                       model_id, series_ids, series_hashes);
  metadata_node = build_metadata_json (content, model_hash, created_utc, model_id);
  provenance_node = build_provenance_json (content, created_utc, model_id);

  if (!write_json (dir_fd, "series/index.json", index_node, NULL, error) ||
      !write_json (dir_fd, "run.json", run_node, NULL, error) ||
      !write_json (dir_fd, "manifest.json", manifest_node, NULL, error) ||
      !write_json (dir_fd, "model/metadata.json", metadata_node, NULL, error) ||
      !write_json (dir_fd, "model/provenance.json", provenance_node, NULL, error))
    goto out;

  /* One sync for the whole folder before it becomes visible. */
  if (syncfs (dir_fd) != 0)
    {
      int saved = errno;

      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not sync the new run %s: %s", content->run_id, g_strerror (saved));
      goto out;
    }
  ok = TRUE;

out:
  close (dir_fd);
  return ok;
}

/* Publishing and cleaning up {{{ */

static void
fsync_dir (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  (void) fsync (fd);
  close (fd);
}

static void
set_exists (GError     **error,
            const char  *run_id)
{
  rb_set_error_field (error, RB_ERROR_ALREADY_EXISTS, "options.runId",
                      "Run %s already exists. Set overwriteExisting to replace it.", run_id);
}

static gboolean
publish_new (const char  *temp_dir,
             const char  *target,
             const char  *run_id,
             GError     **error)
{
  int saved;

  if (renameat2 (AT_FDCWD, temp_dir, AT_FDCWD, target, RENAME_NOREPLACE) == 0)
    return TRUE;
  saved = errno;
  if (saved == EINVAL || saved == ENOSYS)
    {
      /* A filesystem without RENAME_NOREPLACE: rename() never replaces a
       * non-empty folder, and a run folder is never empty. */
      if (g_file_test (target, G_FILE_TEST_EXISTS))
        saved = EEXIST;
      else if (rename (temp_dir, target) == 0)
        return TRUE;
      else
        saved = errno;
    }
  if (saved == EEXIST || saved == ENOTEMPTY)
    set_exists (error, run_id);
  else
    g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                 "Could not publish run %s: %s", run_id, g_strerror (saved));
  return FALSE;
}

static gboolean
publish_replace (const char  *runs_dir,
                 const char  *temp_dir,
                 const char  *target,
                 const char  *run_id,
                 GError     **error)
{
  g_autofree char *aside_template = NULL;
  g_autofree char *aside = NULL;
  int saved;

  if (renameat2 (AT_FDCWD, temp_dir, AT_FDCWD, target, RENAME_EXCHANGE) == 0)
    {
      /* temp_dir now holds the old run. */
      rb_run_writer_remove_tree (temp_dir);
      return TRUE;
    }
  saved = errno;
  if (saved == ENOENT)
    return publish_new (temp_dir, target, run_id, error);
  if (saved != EINVAL && saved != ENOSYS)
    goto fail;

  /* Fallback: old → .<id>.old-XXXXXX, new → <id>, then delete old. */
  aside_template = g_strdup_printf (".%s.old-XXXXXX", run_id);
  aside = g_build_filename (runs_dir, aside_template, NULL);
  if (g_mkdtemp (aside) == NULL || rename (target, aside) != 0)
    {
      saved = errno;
      g_rmdir (aside);
      goto fail;
    }
  if (rename (temp_dir, target) != 0)
    {
      saved = errno;
      (void) rename (aside, target);
      goto fail;
    }
  rb_run_writer_remove_tree (aside);
  return TRUE;

fail:
  g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
               "Could not replace run %s: %s", run_id, g_strerror (saved));
  return FALSE;
}

gboolean
rb_run_writer_publish (const char        *runs_dir,
                       const char        *temp_dir,
                       const char        *run_id,
                       RbRunPublishMode   mode,
                       GError           **error)
{
  g_autofree char *target = NULL;
  gboolean ok;

  g_return_val_if_fail (runs_dir != NULL && temp_dir != NULL && run_id != NULL, FALSE);

  if (fail_publish_for_testing)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not publish run %s: simulated crash", run_id);
      return FALSE;
    }

  target = g_build_filename (runs_dir, run_id, NULL);
  if (mode == RB_RUN_PUBLISH_REPLACE)
    ok = publish_replace (runs_dir, temp_dir, target, run_id, error);
  else
    ok = publish_new (temp_dir, target, run_id, error);
  if (ok)
    fsync_dir (runs_dir);
  return ok;
}

static gboolean
remove_tree_at (int         parent_fd,
                const char *name)
{
  struct stat st;
  int fd;
  DIR *dir;
  struct dirent *entry;

  if (fstatat (parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT;
  if (!S_ISDIR (st.st_mode))
    return unlinkat (parent_fd, name, 0) == 0 || errno == ENOENT;

  fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      return FALSE;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      if (strcmp (entry->d_name, ".") == 0 || strcmp (entry->d_name, "..") == 0)
        continue;
      remove_tree_at (fd, entry->d_name);
    }
  closedir (dir);
  return unlinkat (parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT;
}

gboolean
rb_run_writer_remove_tree (const char *path)
{
  g_return_val_if_fail (path != NULL, FALSE);
  return remove_tree_at (AT_FDCWD, path);
}

void
rb_run_writer_sweep_stale (const char *runs_dir,
                           gint64      max_age_seconds)
{
  g_autoptr(GDir) dir = g_dir_open (runs_dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;

      if (name[0] != '.' || (strstr (name, ".tmp-") == NULL && strstr (name, ".old-") == NULL))
        continue;
      path = g_build_filename (runs_dir, name, NULL);
      if (lstat (path, &st) != 0 || !S_ISDIR (st.st_mode))
        continue;
      if (now - (gint64) st.st_mtime < max_age_seconds)
        continue;
      rb_run_writer_remove_tree (path);
    }
}

/* }}} */
