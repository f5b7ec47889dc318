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
#include "rb-run-replay.h"
#include "rb-run-series.h"
#include "rb-server-private.h"
#include "rb-telemetry.h"
#include "rb-template.h"

#define CSV_TYPE "text/csv"

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
  /* a body of only replayOf (+ options) is resolved here, from the files */
  request = rb_run_request_from_json_in (self->data_dir, request_body, &error);
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
  g_autoptr(JsonNode) index = NULL;

  run = load_run (self, req, &error);
  if (run != NULL)
    index = rb_run_series_index_json (run, &error);
  if (index == NULL)
    return _rb_server_response_new_error (error);
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
  Response *response;

  run = load_run (self, req, &error);
  if (run != NULL)
    bytes = rb_run_series_csv (run, req->item_id, &error);
  if (bytes == NULL)
    return _rb_server_response_new_error (error);

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
