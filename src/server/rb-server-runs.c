/* rb-server-runs.c — GET /v1/runs (paged, ETag/304) and GET /v1/runs/{id}
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-server"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-server-private.h"

/* ETag of a runs listing: the query and the data folder's change stamp. */
static char *
runs_etag (Request    *req,
           const char *stamp)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) req->raw_query, strlen (req->raw_query));
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) stamp, strlen (stamp));
  return g_strdup_printf ("\"%.32s\"", g_checksum_get_string (checksum));
}

/*
 * A cache of listing bodies. Listing reads every run's files, so the same
 * page is kept and served again while the folder is unchanged: same change
 * stamp (core bumps it on every write: run creation, telemetry) and same
 * mtime of <data>/runs (runs copied in or removed by hand). An ETag for an
 * unchanged folder promises the same body anyway. At most
 * LIST_CACHE_MAX_ENTRIES bodies (distinct queries); then it starts over.
 */
#define LIST_CACHE_MAX_ENTRIES 64

static char *
list_cache_state (RbServer   *self,
                  const char *stamp)
{
  g_autofree char *runs = g_build_filename (self->data_dir, "runs", NULL);
  GStatBuf st;

  if (g_stat (runs, &st) != 0)
    return g_strdup_printf ("%s\n-", stamp);
  return g_strdup_printf ("%s\n%" G_GINT64_FORMAT ".%09ld\n%" G_GUINT64_FORMAT, stamp,
                          (gint64) st.st_mtim.tv_sec, (long) st.st_mtim.tv_nsec,
                          (guint64) st.st_ino);
}

static GBytes *
list_cache_lookup (RbServer   *self,
                   const char *state,
                   const char *etag)
{
  GBytes *body = NULL;

  g_mutex_lock (&self->list_cache_lock);
  if (g_strcmp0 (self->list_cache_state, state) == 0)
    body = g_hash_table_lookup (self->list_cache, etag);
  if (body != NULL)
    g_bytes_ref (body);
  g_mutex_unlock (&self->list_cache_lock);
  return body;
}

static void
list_cache_store (RbServer   *self,
                  const char *state,
                  const char *etag,
                  GBytes     *body)
{
  g_mutex_lock (&self->list_cache_lock);
  if (g_strcmp0 (self->list_cache_state, state) != 0 ||
      g_hash_table_size (self->list_cache) >= LIST_CACHE_MAX_ENTRIES)
    {
      g_hash_table_remove_all (self->list_cache);
      g_free (self->list_cache_state);
      self->list_cache_state = g_strdup (state);
    }
  g_hash_table_replace (self->list_cache, g_strdup (etag), g_bytes_ref (body));
  g_mutex_unlock (&self->list_cache_lock);
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
  g_autofree char *stamp = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GBytes) cached = NULL;
  RbRunQuery query;
  guint total_count = 0;
  Response *response;

  rb_run_query_init (&query);
  if (!rb_run_query_parse (&query, req->query, &error))
    {
      rb_run_query_clear (&query);
      return _rb_server_response_new_error (error);
    }

  /* the state first: a change between the two reads only costs a miss */
  stamp = rb_data_dir_read_stamp (self->data_dir);
  state = list_cache_state (self, stamp);
  etag = runs_etag (req, stamp);
  if (etag_matches (req->if_none_match, etag))
    {
      rb_run_query_clear (&query);
      response = g_new0 (Response, 1);
      response->status = SOUP_STATUS_NOT_MODIFIED;
      response->etag = g_steal_pointer (&etag);
      return response;
    }

  cached = list_cache_lookup (self, state, etag);
  if (cached != NULL)
    {
      rb_run_query_clear (&query);
      response = g_new0 (Response, 1);
      response->status = SOUP_STATUS_OK;
      response->body = g_steal_pointer (&cached);
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
  list_cache_store (self, state, etag, response->body);
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
