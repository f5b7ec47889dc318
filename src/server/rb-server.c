/* rb-server.c — the Runboard HTTP API over a data folder (api.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-server"

#include "config.h"

#include <libsoup/soup.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "rb-error.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-run-store.h"
#include "rb-server.h"
#include "rb-server-private.h"

/* The kernel caps it at net.core.somaxconn (4096 on Debian 12). */
#define RB_SERVER_LISTEN_BACKLOG 1024

static gboolean on_incoming_cb (GSocketService    *service,
                                GSocketConnection *connection,
                                GObject           *source_object,
                                gpointer           user_data);

G_DEFINE_FINAL_TYPE (RbServer, rb_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_TELEMETRY_GENERATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/*
 * Requests
 */

void
_rb_server_response_free (Response *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->content_type, g_free);
  g_clear_pointer (&response->etag, g_free);
  g_clear_pointer (&response->location, g_free);
  g_free (response);
}

static void
request_clear (Request *req)
{
  g_clear_object (&req->msg);
  g_clear_object (&req->cancellable);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->method, g_free);
  g_clear_pointer (&req->path, g_free);
  g_clear_pointer (&req->raw_query, g_free);
  g_clear_pointer (&req->if_none_match, g_free);
  g_clear_pointer (&req->run_id, g_free);
  g_clear_pointer (&req->item_id, g_free);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->content_type, g_free);
  g_clear_object (&req->server);
}

static Request *
request_ref (Request *req)
{
  return g_rc_box_acquire (req);
}

static void
request_unref (Request *req)
{
  g_rc_box_release_full (req, (GDestroyNotify) request_clear);
}

Response *
_rb_server_response_new_json (guint     status,
                              JsonNode *body)
{
  Response *response = g_new0 (Response, 1);

  response->status = status;
  response->body = rb_json_to_bytes (body);
  return response;
}

Response *
_rb_server_response_new_error (const GError *error)
{
  g_autoptr(JsonNode) body = rb_error_to_json (error);
  guint status = rb_error_code_http_status (rb_error_get_code (error));

  if (status == 0)
    status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  return _rb_server_response_new_json (status, body);
}

/* Every response: JSON (or no body, or the stored CSV of a series), and
 * "Connection: close" — libsoup 3.2.3 leaks one fd per keep-alive
 * connection the client closes (style guide §9.5), so we never keep one
 * alive. */
void
_rb_server_request_respond (Request  *req,
                            Response *response)
{
  SoupMessageHeaders *headers;

  if (req->msg == NULL)
    return;
  headers = soup_server_message_get_response_headers (req->msg);
  soup_message_headers_replace (headers, "Connection", "close");
  if (response->etag != NULL)
    soup_message_headers_replace (headers, "ETag", response->etag);
  if (response->location != NULL)
    soup_message_headers_replace (headers, "Location", response->location);
  soup_server_message_set_status (req->msg, response->status, NULL);
  if (response->body != NULL)
    soup_server_message_set_response (req->msg,
                                      response->content_type != NULL
                                        ? response->content_type : RB_SERVER_JSON_TYPE,
                                      SOUP_MEMORY_COPY,
                                      g_bytes_get_data (response->body, NULL),
                                      g_bytes_get_size (response->body));
}

void
_rb_server_request_respond_error (Request      *req,
                                  const GError *error)
{
  g_autoptr(Response) response = _rb_server_response_new_error (error);

  _rb_server_request_respond (req, response);
}

static void
request_respond_json (Request  *req,
                      guint     status,
                      JsonNode *body)
{
  g_autoptr(Response) response = _rb_server_response_new_json (status, body);

  _rb_server_request_respond (req, response);
}

static void
rb_server_check_drained (RbServer *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (!self->shutting_down || self->n_pending > 0 || self->shutdown_tasks->len == 0)
    return;
  tasks = g_steal_pointer (&self->shutdown_tasks);
  self->shutdown_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
}

/* One log line per request: method, path, status, duration. */
static void
request_finished_cb (SoupServerMessage *msg,
                     Request           *req)
{
  RbServer *self = req->server;
  gint64 elapsed_us = g_get_monotonic_time () - req->start_us;

  fprintf (stderr, "%s %s %u %" G_GINT64_FORMAT " ms\n",
           req->method, req->path, soup_server_message_get_status (msg),
           elapsed_us / 1000);
  fflush (stderr);

  g_signal_handlers_disconnect_by_func (msg, request_finished_cb, req);
  g_cancellable_cancel (req->cancellable);
  g_clear_object (&req->msg);
  g_assert (self->n_pending > 0);
  self->n_pending--;
  rb_server_check_drained (self);
  request_unref (req);
}

/*
 * Work off the main loop
 */

typedef Response *(*RbServerWorkFunc) (RbServer     *self,
                                       Request      *req,
                                       GCancellable *cancellable);

static void
work_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Request *req = task_data;
  RbServerWorkFunc func = g_task_get_source_tag (task);

  g_task_return_pointer (task, func (req->server, req, cancellable),
                         (GDestroyNotify) _rb_server_response_free);
}

/* On the main loop: sends @response (NULL: a generic 500) and lets the
 * paused message go. */
static void
request_complete (Request  *req,
                  Response *response)
{
  if (req->msg == NULL)
    return;
  if (response != NULL)
    {
      _rb_server_request_respond (req, response);
    }
  else
    {
      g_autoptr(GError) error = NULL;

      g_set_error_literal (&error, RB_ERROR, RB_ERROR_INTERNAL,
                           "The request could not be completed.");
      _rb_server_request_respond_error (req, error);
    }
  soup_server_message_unpause (req->msg);
}

static void
work_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(Response) response = g_task_propagate_pointer (G_TASK (result), NULL);

  request_complete (req, response);
  request_unref (req);
}

/* Pauses the message and runs @func in a worker thread; its Response is
 * sent when it returns. */
void
_rb_server_request_run_in_thread (Request          *req,
                                  RbServerWorkFunc  func)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (req->server, req->cancellable, work_done_cb, request_ref (req));
  g_task_set_source_tag (task, func);
  g_task_set_name (task, "[runboard-server] request");
  g_task_set_task_data (task, request_ref (req), (GDestroyNotify) request_unref);
  soup_server_message_pause (req->msg);
  g_task_run_in_thread (task, work_thread);
}

/* A job of the slow pool: computed in a pool thread, answered on the
 * server's main context. */
typedef struct
{
  Request          *req;        /* owned */
  RbServerWorkFunc  func;
  Response         *response;   /* owned */
} SlowJob;

static gboolean
slow_job_done_cb (gpointer user_data)
{
  SlowJob *job = user_data;

  request_complete (job->req, job->response);
  g_clear_pointer (&job->response, _rb_server_response_free);
  request_unref (job->req);
  g_free (job);
  return G_SOURCE_REMOVE;
}

static void
slow_pool_func (gpointer data,
                gpointer user_data)
{
  SlowJob *job = data;
  GMainContext *context = job->req->server->context;

  job->response = job->func (job->req->server, job->req, job->req->cancellable);
  /* from here on the job belongs to the main context */
  g_main_context_invoke (context, slow_job_done_cb, job);
}

void
_rb_server_request_run_slow (Request          *req,
                             RbServerWorkFunc  func)
{
  SlowJob *job = g_new0 (SlowJob, 1);

  job->req = request_ref (req);
  job->func = func;
  soup_server_message_pause (req->msg);
  g_thread_pool_push (req->server->slow_pool, job, NULL);
}

/* A POST body: application/json (else 415) that parses (else 400 naming
 * the line). Safe in a worker: it reads only what server_callback copied. */
JsonNode *
_rb_server_request_parse_json (Request  *req,
                               GError  **error)
{
  const char *content_type = req->content_type;
  const char *data = NULL;
  gsize len = 0;

  if (content_type == NULL || g_ascii_strcasecmp (content_type, RB_SERVER_JSON_TYPE) != 0)
    {
      rb_set_error_field (error, RB_ERROR_UNSUPPORTED_MEDIA_TYPE, NULL,
                          "The request body must be JSON, sent with Content-Type: %s.",
                          RB_SERVER_JSON_TYPE);
      return NULL;
    }
  if (req->body != NULL)
    data = g_bytes_get_data (req->body, &len);
  return rb_json_parse (data != NULL ? data : "", len, "The request body", error);
}

/*
 * Endpoints
 */

static void
handle_healthz (RbServer *self,
                Request  *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  rb_json_add_string (builder, "status", "ok");
  rb_json_add_string (builder, "version", PACKAGE_VERSION);
  json_builder_set_member_name (builder, "capabilities");
  json_builder_begin_object (builder);
  rb_json_add_bool (builder, "telemetryGeneration", self->telemetry_generation);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  request_respond_json (req, SOUP_STATUS_OK, body);
}

/* Percent-decodes a path segment once, then validates it as @kind; nothing
 * reaches the store unless it passed here (api.md "Identifiers"). */
char *
_rb_server_decode_ident (const char   *segment,
                         RbIdentKind   kind,
                         const char   *field,
                         GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  const char *data;

  bytes = g_uri_unescape_bytes (segment, -1, NULL, NULL);
  if (bytes == NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, field,
                          "The %s in the path is not valid percent-encoding.", field);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  if (!rb_ident_validate (kind, data != NULL ? data : "", len, field, error))
    return NULL;
  return g_strndup (data, len);
}

/*
 * Routing
 */

typedef void (*RbRouteFunc) (RbServer  *self,
                             Request   *req,
                             char     **args);

/* A route: a path pattern of "/"-separated segments where "*" matches one
 * segment (passed to the handler still percent-encoded), and a method. */
typedef struct
{
  const char  *method;
  const char  *pattern;
  RbRouteFunc  func;
} RbRoute;

static void
route_healthz (RbServer  *self,
               Request   *req,
               char     **args)
{
  handle_healthz (self, req);
}

static const RbRoute routes[] = {
  { "GET",  "/v1/healthz",               route_healthz },
  { "GET",  "/v1/templates",             _rb_server_route_list_templates },
  { "GET",  "/v1/templates/*",           _rb_server_route_get_template },
  { "GET",  "/v1/runs",                  _rb_server_route_list_runs },
  { "POST", "/v1/runs",                  _rb_server_route_create_run },
  { "GET",  "/v1/runs/*",                _rb_server_route_get_run },
  { "GET",  "/v1/runs/*/series",         _rb_server_route_series_index },
  { "GET",  "/v1/runs/*/series/*",       _rb_server_route_series_csv },
  { "GET",  "/v1/telemetry/captures",    _rb_server_route_list_captures },
  { "POST", "/v1/telemetry/captures",    _rb_server_route_create_capture },
};

/* TRUE when @path matches @pattern; @args gets the "*" segments. */
static gboolean
route_match (const char  *pattern,
             char       **path_parts,
             GPtrArray   *args)
{
  g_auto(GStrv) pattern_parts = g_strsplit (pattern, "/", -1);
  guint n = g_strv_length (pattern_parts);

  if (n != g_strv_length (path_parts))
    return FALSE;
  g_ptr_array_set_size (args, 0);
  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (pattern_parts[i], "*"))
        g_ptr_array_add (args, path_parts[i]);
      else if (!g_str_equal (pattern_parts[i], path_parts[i]))
        return FALSE;
    }
  g_ptr_array_add (args, NULL);
  return TRUE;
}

static void
dispatch (RbServer *self,
          Request  *req)
{
  g_auto(GStrv) parts = g_strsplit (req->path, "/", -1);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GString) allow = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!route_match (routes[i].pattern, parts, args))
        continue;
      if (g_str_equal (routes[i].method, req->method))
        {
          routes[i].func (self, req, (char **) args->pdata);
          return;
        }
      if (strstr (allow->str, routes[i].method) == NULL)
        g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", routes[i].method);
    }

  if (allow->len > 0)
    {
      rb_set_error_field (&error, RB_ERROR_METHOD_NOT_ALLOWED, NULL,
                          "The method %s is not allowed here; use %s.", req->method, allow->str);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Allow", allow->str);
    }
  else
    {
      rb_set_error_field (&error, RB_ERROR_NOT_FOUND, NULL,
                          "There is no such resource in the Runboard API.");
    }
  _rb_server_request_respond_error (req, error);
}

/*
 * Before the handler: the bearer token (--token-file) and request bodies
 * over 1 MiB (api.md). Both are refused as soon as the headers say so
 * (Authorization, Content-Length), the size also once the chunks read add
 * up to more. The status set here keeps libsoup from calling the handler;
 * the rest of the body is read without being kept, then the error goes out
 * with "Connection: close".
 */

typedef struct
{
  RbServer *server;   /* unowned: the server outlives its messages */
  gsize     received;
  gboolean  rejected;
  gint64    start_us;
} BodyGuard;

static void
body_guard_finished_cb (SoupServerMessage *msg,
                        BodyGuard         *guard)
{
  GUri *uri = soup_server_message_get_uri (msg);

  /* the handler never saw this request: log it here */
  if (!guard->rejected)
    return;
  fprintf (stderr, "%s %s %u %" G_GINT64_FORMAT " ms\n",
           soup_server_message_get_method (msg),
           uri != NULL ? g_uri_get_path (uri) : "-",
           soup_server_message_get_status (msg),
           (g_get_monotonic_time () - guard->start_us) / 1000);
  fflush (stderr);
}

static void
body_guard_reject (SoupServerMessage *msg,
                   BodyGuard         *guard,
                   const GError      *error)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  if (guard->rejected)
    return;
  guard->rejected = TRUE;
  body = rb_error_to_json (error);
  data = rb_json_to_data (body, &len);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  soup_server_message_set_status (msg, rb_error_code_http_status (rb_error_get_code (error)), NULL);
  soup_server_message_set_response (msg, RB_SERVER_JSON_TYPE, SOUP_MEMORY_COPY, data, len);
}

static void
body_guard_reject_too_large (SoupServerMessage *msg,
                             BodyGuard         *guard)
{
  g_autoptr(GError) error = NULL;

  rb_set_error_field (&error, RB_ERROR_PAYLOAD_TOO_LARGE, NULL,
                      "The request body is larger than %d bytes (1 MiB).", RB_SERVER_MAX_BODY_SIZE);
  body_guard_reject (msg, guard, error);
}

/* Compares @given with @expected in a time that depends only on
 * @expected's length: every byte is looked at, lengths that differ still
 * do the whole loop, and nothing exits early. */
static gboolean
token_equal (const char *given,
             gsize       given_len,
             const char *expected,
             gsize       expected_len)
{
  volatile guint8 diff = 0;
  volatile gsize len_diff = given_len ^ expected_len;

  for (gsize i = 0; i < expected_len; i++)
    {
      /* past the end of @given: compare against its first byte (or 0) */
      guint8 g = given_len > 0 ? (guint8) given[i < given_len ? i : 0] : 0;

      diff |= g ^ (guint8) expected[i];
    }
  return (diff == 0) & (len_diff == 0);
}

/* "Authorization: Bearer <token>" (scheme case-insensitive, RFC 7235) */
static gboolean
request_authorized (RbServer           *self,
                    SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Authorization");
  const char *token;
  gsize len;

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", strlen ("Bearer ")) != 0)
    return FALSE;
  token = value + strlen ("Bearer ");
  while (*token == ' ')
    token++;
  len = strlen (token);
  while (len > 0 && (token[len - 1] == ' ' || token[len - 1] == '\t'))
    len--;
  return token_equal (token, len, self->token, strlen (self->token));
}

static void
body_guard_got_headers_cb (SoupServerMessage *msg,
                           BodyGuard         *guard)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  RbServer *self = guard->server;

  if (self->token != NULL && !request_authorized (self, headers))
    {
      g_autoptr(GError) error = NULL;

      rb_set_error_field (&error, RB_ERROR_UNAUTHORIZED, NULL,
                          "This server needs a valid token: send it as "
                          "“Authorization: Bearer <token>”.");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer");
      body_guard_reject (msg, guard, error);
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > RB_SERVER_MAX_BODY_SIZE)
    body_guard_reject_too_large (msg, guard);
}

static void
body_guard_got_chunk_cb (SoupServerMessage *msg,
                         GBytes            *chunk,
                         BodyGuard         *guard)
{
  guard->received += g_bytes_get_size (chunk);
  if (guard->received > RB_SERVER_MAX_BODY_SIZE)
    body_guard_reject_too_large (msg, guard);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  BodyGuard *guard = g_new0 (BodyGuard, 1);

  guard->server = user_data;
  guard->start_us = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "rb-body-guard", guard, g_free);
  g_signal_connect (msg, "got-headers", G_CALLBACK (body_guard_got_headers_cb), guard);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (body_guard_got_chunk_cb), guard);
  g_signal_connect (msg, "finished", G_CALLBACK (body_guard_finished_cb), guard);
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  RbServer *self = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  Request *req;

  req = g_rc_box_new0 (Request);
  req->server = g_object_ref (self);
  req->msg = g_object_ref (msg);
  req->cancellable = g_cancellable_new ();
  req->start_us = g_get_monotonic_time ();
  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (g_uri_get_path (uri));
  req->raw_query = g_strdup (g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "");
  req->if_none_match = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                               "If-None-Match"));
  req->query = query != NULL ? g_hash_table_ref (query)
                             : g_hash_table_new (g_str_hash, g_str_equal);
  if (soup_server_message_get_method (msg) == SOUP_METHOD_POST)
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

      req->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      req->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
    }

  /* The request holds one reference until "finished". */
  self->n_pending++;
  g_signal_connect (msg, "finished", G_CALLBACK (request_finished_cb), req);

  dispatch (self, req);
}

/*
 * GObject
 */

static void
rb_server_constructed (GObject *object)
{
  RbServer *self = RB_SERVER (object);

  G_OBJECT_CLASS (rb_server_parent_class)->constructed (object);

  self->store = rb_run_store_new (self->data_dir);
  /* raw-paths: we see the path as sent and percent-decode ids ourselves,
   * once, so even "..%2F" gets a JSON error body from core. */
  self->soup = g_object_new (SOUP_TYPE_SERVER,
                             "server-header", "runboard-server/" PACKAGE_VERSION " ",
                             "raw-paths", TRUE,
                             NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);

  self->context = g_main_context_ref_thread_default ();
  /* Run creation and generation may wait on per-key locks: their own
   * threads, so GET requests (GTask's pool) keep being served. */
  self->slow_pool = g_thread_pool_new (slow_pool_func, NULL, 4, FALSE, NULL);
}

static void
rb_server_dispose (GObject *object)
{
  RbServer *self = RB_SERVER (object);

  if (self->listener != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->listener, on_incoming_cb, self);
      g_socket_service_stop (self->listener);
      g_socket_listener_close (G_SOCKET_LISTENER (self->listener));
      g_clear_object (&self->listener);
    }
  if (self->soup != NULL)
    {
      soup_server_remove_handler (self->soup, "/");
      soup_server_disconnect (self->soup);
    }
  g_clear_object (&self->soup);
  g_clear_object (&self->store);
  if (self->slow_pool != NULL)
    {
      /* jobs hold a reference on the server: none is left here */
      g_thread_pool_free (self->slow_pool, FALSE, TRUE);
      self->slow_pool = NULL;
    }

  G_OBJECT_CLASS (rb_server_parent_class)->dispose (object);
}

static void
rb_server_finalize (GObject *object)
{
  RbServer *self = RB_SERVER (object);

  g_clear_pointer (&self->shutdown_tasks, g_ptr_array_unref);
  g_clear_pointer (&self->output_roots, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->list_cache, g_hash_table_unref);
  g_clear_pointer (&self->list_cache_state, g_free);
  g_mutex_clear (&self->list_cache_lock);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (rb_server_parent_class)->finalize (object);
}

static void
rb_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  RbServer *self = RB_SERVER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_TELEMETRY_GENERATION:
      g_value_set_boolean (value, self->telemetry_generation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_server_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  RbServer *self = RB_SERVER (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_free (self->data_dir);
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_TELEMETRY_GENERATION:
      self->telemetry_generation = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_server_class_init (RbServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = rb_server_constructed;
  object_class->dispose = rb_server_dispose;
  object_class->finalize = rb_server_finalize;
  object_class->get_property = rb_server_get_property;
  object_class->set_property = rb_server_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TELEMETRY_GENERATION] =
    g_param_spec_boolean ("telemetry-generation", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rb_server_init (RbServer *self)
{
  self->telemetry_generation = TRUE;
  self->shutdown_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->output_roots = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->output_roots, NULL);
  g_mutex_init (&self->list_cache_lock);
  self->list_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_bytes_unref);
}

/*
 * Public API
 */

RbServer *
rb_server_new (const char *data_dir,
               gboolean    telemetry_generation)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (RB_TYPE_SERVER,
                       "data-dir", data_dir,
                       "telemetry-generation", telemetry_generation,
                       NULL);
}

const char *
rb_server_get_data_dir (RbServer *self)
{
  g_return_val_if_fail (RB_IS_SERVER (self), NULL);
  return self->data_dir;
}

gboolean
rb_server_get_telemetry_generation (RbServer *self)
{
  g_return_val_if_fail (RB_IS_SERVER (self), FALSE);
  return self->telemetry_generation;
}

/* Every accepted connection goes to libsoup as a stream. Letting
 * libsoup accept (soup_server_listen_socket) leaks one GSocket per
 * connection in 3.2 (fixed in 3.4.0, b545d5f0): with "Connection: close"
 * that was ~570 bytes per request, +176 MiB in a 10-minute soak. */
static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source_object,
                gpointer           user_data)
{
  RbServer *self = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  if (self->shutting_down || self->soup == NULL ||
      !soup_server_accept_iostream (self->soup, G_IO_STREAM (connection), local, remote, &error))
    {
      if (error != NULL)
        g_debug ("Could not take a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
  return TRUE;
}

gboolean
rb_server_listen (RbServer        *self,
                  GSocketAddress  *address,
                  GError         **error)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  g_return_val_if_fail (RB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (address), FALSE);

  /* Our own socket for a deep accept queue: GSocket's default backlog of
   * 10 overflows under a burst of connections (every request is a new one,
   * "Connection: close"), and the kernel then drops SYNs that the client
   * only resends a second later. */
  sock = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                       G_SOCKET_PROTOCOL_DEFAULT, error);
  if (sock == NULL)
    return FALSE;
  if (g_socket_address_get_family (address) == G_SOCKET_FAMILY_IPV6 &&
      !g_socket_set_option (sock, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    return FALSE;
  g_socket_set_listen_backlog (sock, RB_SERVER_LISTEN_BACKLOG);
  if (!g_socket_bind (sock, address, TRUE, error) ||
      !g_socket_listen (sock, error))
    return FALSE;
  if (self->listener == NULL)
    {
      self->listener = g_socket_service_new ();
      g_signal_connect (self->listener, "incoming", G_CALLBACK (on_incoming_cb), self);
    }
  if (!g_socket_listener_add_socket (G_SOCKET_LISTENER (self->listener), sock, NULL, error))
    return FALSE;
  g_socket_service_start (self->listener);

  bound = g_socket_get_local_address (sock, error);
  if (bound == NULL)
    return FALSE;
  if (self->port == 0 && G_IS_INET_SOCKET_ADDRESS (bound))
    self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return TRUE;
}

void
rb_server_set_token (RbServer   *self,
                     const char *token)
{
  g_return_if_fail (RB_IS_SERVER (self));
  g_return_if_fail (token == NULL || token[0] != '\0');

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
}

char *
rb_server_read_token_file (const char  *path,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      const char *why;

      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        why = "it does not exist";
      else if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES))
        why = "permission denied";
      else if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ISDIR))
        why = "it is a folder";
      else
        why = "it is not a readable file";
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "token-file",
                          "The token file %s cannot be read: %s.", path, why);
      return NULL;
    }
  if (memchr (contents, '\0', len) != NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "token-file",
                          "The token file %s holds a NUL byte; it must hold the token as text.", path);
      return NULL;
    }
  g_strstrip (contents);
  if (contents[0] == '\0')
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "token-file",
                          "The token file %s is empty; it must hold the token.", path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

void
rb_server_add_output_root (RbServer   *self,
                           const char *directory)
{
  g_return_if_fail (RB_IS_SERVER (self));
  g_return_if_fail (directory != NULL && g_path_is_absolute (directory));

  /* keep the array NULL-terminated for rb_telemetry_generate() */
  g_ptr_array_insert (self->output_roots, self->output_roots->len - 1, g_strdup (directory));
}

guint16
rb_server_get_port (RbServer *self)
{
  g_return_val_if_fail (RB_IS_SERVER (self), 0);
  return self->port;
}

guint
rb_server_get_n_pending (RbServer *self)
{
  g_return_val_if_fail (RB_IS_SERVER (self), 0);
  return self->n_pending;
}

void
rb_server_shutdown_async (RbServer            *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (RB_IS_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_server_shutdown_async);

  /* Close only the listening sockets: soup_server_disconnect() would also
   * drop the connections of requests still in flight. */
  if (!self->shutting_down)
    {
      self->shutting_down = TRUE;
      if (self->listener != NULL)
        {
          g_socket_service_stop (self->listener);
          g_socket_listener_close (G_SOCKET_LISTENER (self->listener));
        }
    }

  g_ptr_array_add (self->shutdown_tasks, g_steal_pointer (&task));
  rb_server_check_drained (self);
}

gboolean
rb_server_shutdown_finish (RbServer      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GSocketAddress *
rb_server_parse_listen_address (const char  *value,
                                GError     **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  const char *port_text;
  guint64 port = 0;
  GSocketAddress *address;

  colon = value != NULL ? strrchr (value, ':') : NULL;
  if (colon == NULL || colon == value)
    goto invalid;
  port_text = colon + 1;
  if (!g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &port, NULL))
    goto invalid;

  host = g_strndup (value, colon - value);
  if (host[0] == '[')
    {
      gsize len = strlen (host);

      if (len < 3 || host[len - 1] != ']')
        goto invalid;
      host[len - 1] = '\0';
      memmove (host, host + 1, len - 1);
    }
  else if (strchr (host, ':') != NULL)
    goto invalid;
  if (g_str_equal (host, "localhost"))
    {
      g_free (host);
      host = g_strdup ("127.0.0.1");
    }

  address = g_inet_socket_address_new_from_string (host, (guint) port);
  if (address != NULL)
    return address;

invalid:
  rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "listen",
                      "The listen address “%s” is not of the form ADDRESS:PORT "
                      "(for example 127.0.0.1:8081).", value != NULL ? value : "");
  return NULL;
}
