/* rb-server-runs.c — GET /v1/runs (paged, ETag/304) and GET /v1/runs/{id}
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-server"

#include "config.h"

#include <string.h>

#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-server-private.h"

/* ETag of a runs listing: the query and the data folder's change stamp. */
static char *
runs_etag (RbServer *self,
           Request  *req)
{
  g_autofree char *stamp = rb_data_dir_read_stamp (self->data_dir);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) req->raw_query, strlen (req->raw_query));
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) stamp, strlen (stamp));
  return g_strdup_printf ("\"%.32s\"", g_checksum_get_string (checksum));
}

/* If-None-Match: "*" or a list of entity tags, weak or strong. */
static gboolean
etag_matches (const char *if_none_match,
              const char *etag)
{
  g_auto(GStrv) tags = NULL;

  if (if_none_match == NULL)
    return FALSE;
  tags = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (g_str_equal (tag, "*") || g_str_equal (tag, etag))
        return TRUE;
    }
  return FALSE;
}

static Response *
list_runs_work (RbServer     *self,
                Request      *req,
                GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *etag = NULL;
  RbRunQuery query;
  guint total_count = 0;
  Response *response;

  rb_run_query_init (&query);
  if (!rb_run_query_parse (&query, req->query, &error))
    {
      rb_run_query_clear (&query);
      return _rb_server_response_new_error (error);
    }

  etag = runs_etag (self, req);
  if (etag_matches (req->if_none_match, etag))
    {
      rb_run_query_clear (&query);
      response = g_new0 (Response, 1);
      response->status = SOUP_STATUS_NOT_MODIFIED;
      response->etag = g_steal_pointer (&etag);
      return response;
    }

  runs = rb_run_store_list (self->store, &query, &total_count, cancellable, &error);
  if (runs == NULL)
    {
      rb_run_query_clear (&query);
      return _rb_server_response_new_error (error);
    }
  body = rb_run_page_to_json (runs, total_count, &query);
  rb_run_query_clear (&query);

  response = _rb_server_response_new_json (SOUP_STATUS_OK, body);
  response->etag = g_steal_pointer (&etag);
  return response;
}

void
_rb_server_route_list_runs (RbServer  *self,
                            Request   *req,
                            char     **args)
{
  _rb_server_request_run_in_thread (req, list_runs_work);
}

static Response *
get_run_work (RbServer     *self,
              Request      *req,
              GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(JsonNode) body = NULL;

  run = rb_run_store_get (self->store, req->run_id, &error);
  if (run == NULL)
    return _rb_server_response_new_error (error);
  body = rb_run_to_detail_json (run);
  return _rb_server_response_new_json (SOUP_STATUS_OK, body);
}

void
_rb_server_route_get_run (RbServer  *self,
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
  _rb_server_request_run_in_thread (req, get_run_work);
}
