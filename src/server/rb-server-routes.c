/* rb-server-routes.c — templates, run creation, series and telemetry
 * captures (api.md "Endpoints")
 *
 * Each route validates what comes from the path, then hands the work to a
 * thread: reads to GTask's pool, run creation and generation (which may
 * wait on per-key locks) to the server's own pool. Core decides everything;
 * here results and errors only become status codes and bodies.
 *
 * GET /v1/runs/{id}/series answers the run's series/index.json parsed and
 * re-serialised by core's writer: the same members and order as stored,
 * with any "path" that is not a plain relative path inside the run
 * replaced by null, so no server path can leak even from a hand-made run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-server"

#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-fs.h"
#include "rb-json.h"
#include "rb-orchestrator.h"
#include "rb-server-private.h"
#include "rb-telemetry.h"
#include "rb-template.h"

#define CSV_TYPE "text/csv"
/* Stored files are ours and small; these only bound a hostile folder. */
#define MAX_INDEX_SIZE (64 * 1024 * 1024)
#define MAX_SERIES_SIZE (256 * 1024 * 1024)

/*
 * GET /v1/templates[/{id}]
 */

static Response *
list_templates_work (RbServer     *self,
                     Request      *req,
                     GCancellable *cancellable)
{
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (self->data_dir);
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *items;

  templates = rb_template_catalog_list (catalog, &error);
  if (templates == NULL)
    return _rb_server_response_new_error (error);

  items = json_array_new ();
  for (guint i = 0; i < templates->len; i++)
    json_array_add_element (items, rb_template_to_summary_json (g_ptr_array_index (templates, i)));
  json_object_set_array_member (object, "items", items);
  json_node_set_object (body, object);
  return _rb_server_response_new_json (SOUP_STATUS_OK, body);
}

void
_rb_server_route_list_templates (RbServer  *self,
                                 Request   *req,
                                 char     **args)
{
  _rb_server_request_run_in_thread (req, list_templates_work);
}

static Response *
get_template_work (RbServer     *self,
                   Request      *req,
                   GCancellable *cancellable)
{
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (self->data_dir);
  g_autoptr(RbTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  template = rb_template_catalog_get (catalog, req->item_id, &error);
  if (template == NULL)
    return _rb_server_response_new_error (error);
  body = rb_template_to_json (template);
  return _rb_server_response_new_json (SOUP_STATUS_OK, body);
}

void
_rb_server_route_get_template (RbServer  *self,
                               Request   *req,
                               char     **args)
{
  g_autoptr(GError) error = NULL;

  req->item_id = _rb_server_decode_ident (args[0], RB_IDENT_TEMPLATE_ID, "templateId", &error);
  if (req->item_id == NULL)
    {
      _rb_server_request_respond_error (req, error);
      return;
    }
  _rb_server_request_run_in_thread (req, get_template_work);
}

/*
 * POST /v1/runs
 */

static Response *
create_run_work (RbServer     *self,
                 Request      *req,
                 GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) request_body = NULL;
  g_autoptr(RbRunRequest) request = NULL;
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(RbRunResult) result = NULL;
  g_autoptr(JsonNode) body = NULL;
  Response *response;
  RbRun *run;

  request_body = _rb_server_request_parse_json (req, &error);
  if (request_body == NULL)
    return _rb_server_response_new_error (error);
  request = rb_run_request_from_json (request_body, &error);
  if (request == NULL)
    return _rb_server_response_new_error (error);

  catalog = rb_template_catalog_new (self->data_dir);
  result = rb_orchestrator_create_run (self->data_dir, catalog, request, cancellable, &error);
  if (result == NULL)
    return _rb_server_response_new_error (error);

  body = rb_run_result_to_json (result);

  if (rb_run_result_is_dry_run (result))
    return _rb_server_response_new_json (SOUP_STATUS_OK, body);

  response = _rb_server_response_new_json (SOUP_STATUS_CREATED, body);
  run = rb_run_result_get_run (result);
  if (run != NULL && rb_run_get_run_id (run) != NULL)
    response->location = g_strconcat ("/v1/runs/", rb_run_get_run_id (run), NULL);
  return response;
}

void
_rb_server_route_create_run (RbServer  *self,
                             Request   *req,
                             char     **args)
{
  _rb_server_request_run_slow (req, create_run_work);
}

/*
 * GET /v1/runs/{id}/series[/{seriesId}]
 */

/* A "path" of series/index.json we are willing to show and to open. */
static gboolean
series_path_is_plain (const char *path)
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

static RbRun *
load_run (RbServer  *self,
          Request   *req,
          GError   **error)
{
  g_autoptr(RbRun) run = rb_run_store_get (self->store, req->run_id, error);

  if (run == NULL)
    return NULL;
  if (rb_run_get_directory (run) == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND, "Run %s was not found.", req->run_id);
      return NULL;
    }
  return g_steal_pointer (&run);
}

static Response *
series_index_work (RbServer     *self,
                   Request      *req,
                   GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) index = NULL;
  g_autofree char *path = NULL;
  JsonArray *series;
  const char *data;
  gsize len = 0;

  run = load_run (self, req, &error);
  if (run == NULL)
    return _rb_server_response_new_error (error);

  path = g_build_filename (rb_run_get_directory (run), "series", "index.json", NULL);
  bytes = rb_fs_read_file (path, "series/index.json", MAX_INDEX_SIZE, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, RB_ERROR, RB_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          g_set_error (&error, RB_ERROR, RB_ERROR_NOT_FOUND,
                       "Run %s has no series (series/index.json is missing).", req->run_id);
        }
      return _rb_server_response_new_error (error);
    }
  data = g_bytes_get_data (bytes, &len);
  index = rb_json_parse (data != NULL ? data : "", len, "series/index.json", &error);
  if (index == NULL || !JSON_NODE_HOLDS_OBJECT (index))
    {
      g_autoptr(GError) unreadable = NULL;

      g_set_error (&unreadable, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "%s",
                   error != NULL ? error->message : "series/index.json is not a JSON object.");
      return _rb_server_response_new_error (unreadable);
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
          !series_path_is_plain (rb_json_get_string (entry, "path")))
        json_object_set_null_member (entry, "path");
    }
  return _rb_server_response_new_json (SOUP_STATUS_OK, index);
}

void
_rb_server_route_series_index (RbServer  *self,
                               Request   *req,
                               char     **args)
{
  g_autoptr(GError) error = NULL;

  req->run_id = _rb_server_decode_ident (args[0], RB_IDENT_RUN_ID, "runId", &error);
  if (req->run_id == NULL)
    {
      _rb_server_request_respond_error (req, error);
      return;
    }
  _rb_server_request_run_in_thread (req, series_index_work);
}

static Response *
series_csv_work (RbServer     *self,
                 Request      *req,
                 GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  const RbSeriesInfo *info;
  const char *run_dir;
  Response *response;

  run = load_run (self, req, &error);
  if (run == NULL)
    return _rb_server_response_new_error (error);

  /* the file comes from the index, never from the id */
  info = rb_run_find_series (run, req->item_id);
  if (info == NULL)
    {
      rb_set_error_field (&error, RB_ERROR_NOT_FOUND, NULL,
                          "Run %s has no series %s.", req->run_id, req->item_id);
      return _rb_server_response_new_error (error);
    }
  run_dir = rb_run_get_directory (run);
  if (series_path_is_plain (info->path))
    path = g_build_filename (run_dir, info->path, NULL);
  if (path == NULL || !rb_fs_path_is_inside (run_dir, path))
    {
      g_set_error (&error, RB_ERROR, RB_ERROR_RUN_UNREADABLE,
                   "series/index.json gives series %s a path outside the run.", req->item_id);
      return _rb_server_response_new_error (error);
    }

  bytes = rb_fs_read_file (path, info->path, MAX_SERIES_SIZE, &error);
  if (bytes == NULL)
    {
      g_autoptr(GError) unreadable = NULL;

      /* listed in the index but not readable: the run is damaged */
      g_set_error (&unreadable, RB_ERROR, RB_ERROR_RUN_UNREADABLE, "%s",
                   error->domain == RB_ERROR ? error->message : "A series file could not be read.");
      return _rb_server_response_new_error (unreadable);
    }

  response = g_new0 (Response, 1);
  response->status = SOUP_STATUS_OK;
  response->content_type = g_strdup (CSV_TYPE);
  response->body = g_steal_pointer (&bytes);
  return response;
}

void
_rb_server_route_series_csv (RbServer  *self,
                             Request   *req,
                             char     **args)
{
  g_autoptr(GError) error = NULL;

  req->run_id = _rb_server_decode_ident (args[0], RB_IDENT_RUN_ID, "runId", &error);
  if (req->run_id != NULL)
    req->item_id = _rb_server_decode_ident (args[1], RB_IDENT_SERIES_ID, "seriesId", &error);
  if (req->run_id == NULL || req->item_id == NULL)
    {
      _rb_server_request_respond_error (req, error);
      return;
    }
  _rb_server_request_run_in_thread (req, series_csv_work);
}

/*
 * POST/GET /v1/telemetry/captures
 */

static Response *
create_capture_work (RbServer     *self,
                     Request      *req,
                     GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) request_body = NULL;
  g_autoptr(RbCaptureRequest) request = NULL;
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(JsonNode) body = NULL;

  request_body = _rb_server_request_parse_json (req, &error);
  if (request_body == NULL)
    return _rb_server_response_new_error (error);
  request = rb_capture_request_from_json (request_body, &error);
  if (request == NULL)
    return _rb_server_response_new_error (error);

  /* Blocks while another generation holds the target's lock: this runs on
   * the server's slow pool, never GTask's, so reads keep flowing. */
  result = rb_telemetry_generate (self->data_dir,
                                  (const char * const *) self->output_roots->pdata,
                                  request, NULL, NULL, cancellable, &error);
  if (result == NULL)
    return _rb_server_response_new_error (error);

  body = rb_capture_result_to_json (result);
  return _rb_server_response_new_json (rb_capture_result_get_http_status (result), body);
}

void
_rb_server_route_create_capture (RbServer  *self,
                                 Request   *req,
                                 char     **args)
{
  if (!self->telemetry_generation)
    {
      g_autoptr(GError) error = NULL;

      rb_telemetry_set_disabled_error (&error);
      _rb_server_request_respond_error (req, error);
      return;
    }
  _rb_server_request_run_slow (req, create_capture_work);
}

static Response *
list_captures_work (RbServer     *self,
                    Request      *req,
                    GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = rb_telemetry_list_captures (self->data_dir, &error);

  if (body == NULL)
    return _rb_server_response_new_error (error);
  return _rb_server_response_new_json (SOUP_STATUS_OK, body);
}

void
_rb_server_route_list_captures (RbServer  *self,
                                Request   *req,
                                char     **args)
{
  _rb_server_request_run_in_thread (req, list_captures_work);
}
