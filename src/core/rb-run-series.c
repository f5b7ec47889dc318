/* rb-run-series.c — a run's series as the API serves them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-core"

#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-fs.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-run-series.h"

gboolean
rb_run_series_path_is_plain (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || *path == '\0' || g_path_is_absolute (path) || strchr (path, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_run (RbRun   *run,
           GError **error)
{
  if (rb_run_get_directory (run) == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND, "Run %s was not found.",
                   rb_run_get_run_id (run));
      return FALSE;
    }
  return TRUE;
}

JsonNode *
rb_run_series_index_json (RbRun   *run,
                          GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) index = NULL;
  g_autofree char *path = NULL;
  JsonArray *series;
  const char *data;
  gsize len = 0;

  g_return_val_if_fail (RB_IS_RUN (run), NULL);

  if (!check_run (run, error))
    return NULL;

  path = g_build_filename (rb_run_get_directory (run), "series", "index.json", NULL);
  bytes = rb_fs_read_file (path, "series/index.json", RB_RUN_SERIES_MAX_INDEX_SIZE, &local_error);
  if (bytes == NULL)
    {
      if (g_error_matches (local_error, RB_ERROR, RB_ERROR_NOT_FOUND))
        g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND,
                     "Run %s has no series (series/index.json is missing).",
                     rb_run_get_run_id (run));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  index = rb_json_parse (data != NULL ? data : "", len, "series/index.json", &local_error);
  if (index == NULL || !JSON_NODE_HOLDS_OBJECT (index))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "%s",
                   local_error != NULL ? local_error->message
                                       : "series/index.json is not a JSON object.");
      return NULL;
    }

  series = rb_json_get_array (json_node_get_object (index), "series");
  for (guint i = 0; series != NULL && i < json_array_get_length (series); i++)
    {
      JsonNode *node = json_array_get_element (series, i);
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      if (json_object_has_member (entry, "path") &&
          !rb_run_series_path_is_plain (rb_json_get_string (entry, "path")))
        json_object_set_null_member (entry, "path");
    }
  return g_steal_pointer (&index);
}

GBytes *
rb_run_series_csv (RbRun       *run,
                   const char  *series_id,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  const RbSeriesInfo *info;
  const char *run_dir;

  g_return_val_if_fail (RB_IS_RUN (run), NULL);

  if (!rb_ident_validate (RB_IDENT_SERIES_ID, series_id != NULL ? series_id : "", -1,
                          "seriesId", error) ||
      !check_run (run, error))
    return NULL;

  /* the file comes from the index, never from the id */
  info = rb_run_find_series (run, series_id);
  if (info == NULL)
    {
      rb_set_error_field (error, RB_ERROR_NOT_FOUND, NULL,
                          "Run %s has no series %s.", rb_run_get_run_id (run), series_id);
      return NULL;
    }
  run_dir = rb_run_get_directory (run);
  if (rb_run_series_path_is_plain (info->path))
    path = g_build_filename (run_dir, info->path, NULL);
  if (path == NULL || !rb_fs_path_is_inside (run_dir, path))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE,
                   "series/index.json gives series %s a path outside the run.", series_id);
      return NULL;
    }

  bytes = rb_fs_read_file (path, info->path, RB_RUN_SERIES_MAX_CSV_SIZE, &local_error);
  if (bytes == NULL)
    {
      /* listed in the index but not readable: the run is damaged */
      g_set_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "%s",
                   local_error->domain == RB_ERROR ? local_error->message
                                                   : "A series file could not be read.");
      return NULL;
    }
  return g_steal_pointer (&bytes);
}
